"""fetch_mail against a real IMAP server on loopback (dovecot): each message taken once, then
moved out of the inbox (to the done folder, or to the failed folder when it fails)."""

import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from inquiries.models import IncomingMessage, Inquiry, InquiryAttachment
from replies.inbox import mail_take
from tests.inquiries import mail_samples as samples

from .imap_server import PASSWORD, USER, imap_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap(imap_server, settings, tmp_path):  # noqa: F811
    imap_server.empty()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_IMAP_HOST = "127.0.0.1"
    settings.MAIL_IMAP_PORT = imap_server.port
    settings.MAIL_IMAP_USER = USER
    settings.MAIL_IMAP_PASSWORD = PASSWORD
    settings.MAIL_IMAP_FOLDER = "INBOX"
    settings.MAIL_IMAP_SECURITY = "plain"  # allowed on loopback only, and only when set explicitly
    return imap_server


def fetch_mail() -> list[str]:
    out = io.StringIO()
    call_command("fetch_mail", stdout=out)
    return out.getvalue().splitlines()


def test_it_takes_each_message_and_moves_it_to_the_done_folder(imap):
    question = samples.thunderbird_plain(message_id="<q@mail.example.org>")
    auto = samples.thunderbird_plain(message_id="<ooo@mail.example.org>", subject="Out of office")
    imap.deliver(question, auto)
    lines = fetch_mail()
    reference = Inquiry.objects.get().reference
    assert lines == [
        f"<q@mail.example.org> -> {reference} (new)",
        "<ooo@mail.example.org> -> (ignored: auto-reply (subject))",
    ]
    assert imap.message_ids("INBOX") == []
    assert imap.message_ids("Processed") == ["<q@mail.example.org>", "<ooo@mail.example.org>"]


def test_it_takes_nothing_twice_on_the_next_run(imap):
    imap.deliver(samples.thunderbird_plain())
    fetch_mail()
    assert fetch_mail() == []
    assert Inquiry.objects.count() == 1


def test_it_moves_a_message_taken_by_a_run_that_stopped_before_moving_it(imap):
    raw = samples.thunderbird_plain(message_id="<half@mail.example.org>")
    imap.deliver(raw)
    first = mail_take(raw)  # the interrupted run: committed, then stopped before the IMAP move
    assert fetch_mail() == [f"<half@mail.example.org> -> {first.reference} (duplicate)"]
    assert Inquiry.objects.count() == 1
    assert imap.message_ids("INBOX") == [] and imap.message_ids("Processed") == ["<half@mail.example.org>"]


def test_it_moves_a_message_that_fails_to_the_failed_folder_and_goes_on(imap, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker  # attachments cannot be stored: that message fails as a whole
    failing = samples.apple_mail_with_attachments()
    good = samples.thunderbird_plain(message_id="<fine@mail.example.org>")
    imap.deliver(failing, good)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 message"):
        call_command("fetch_mail", stdout=io.StringIO(), stderr=err)
    assert re.match(r"IMAP UID \d+: failed: NotADirectoryError", err.getvalue())
    assert len(imap.message_ids("Failed")) == 1 and imap.message_ids("Processed") == ["<fine@mail.example.org>"]
    assert Inquiry.objects.get().requester.email == "pat@example.org"
    assert not InquiryAttachment.objects.exists() and IncomingMessage.objects.count() == 1


def test_it_requires_tls_by_default(imap, settings):
    settings.MAIL_IMAP_SECURITY = "ssl"  # the default: this server speaks no TLS, so nothing is read
    imap.deliver(samples.thunderbird_plain())
    with pytest.raises(CommandError, match="Cannot read the IMAP folder: SSLError"):
        fetch_mail()
    assert not Inquiry.objects.exists() and len(imap.message_ids("INBOX")) == 1


def test_it_refuses_starttls_a_server_does_not_offer(imap, settings):
    settings.MAIL_IMAP_SECURITY = "starttls"
    with pytest.raises(CommandError, match="TLS not supported"):
        fetch_mail()


def test_it_says_so_when_the_login_fails(imap, settings):
    settings.MAIL_IMAP_PASSWORD = "wrong"
    imap.deliver(samples.thunderbird_plain())
    with pytest.raises(CommandError, match="Cannot read the IMAP folder: .*AUTHENTICATIONFAILED"):
        fetch_mail()
    assert not Inquiry.objects.exists() and len(imap.message_ids("INBOX")) == 1


def test_it_refuses_a_plain_connection_to_another_machine(settings):
    settings.MAIL_IMAP_HOST = "imap.example.org"
    settings.MAIL_IMAP_SECURITY = "plain"
    with pytest.raises(ImproperlyConfigured, match="plain only to a server on this machine"):
        fetch_mail()
