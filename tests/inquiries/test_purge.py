import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, Requester
from inquiries.services import inquiry_attach
from library.models import Topic
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
S = Inquiry.Status
LONG_AGO = timezone.now() - dt.timedelta(days=800)


def closed(requester, status=S.CLOSED, at=LONG_AGO):
    return make_inquiry(requester, received_at=at - dt.timedelta(days=5), status=status, closed_at=at, sent_at=at)


def test_it_anonymises_requesters_whose_inquiries_are_all_closed(capsys, settings, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    topic = Topic.objects.create(name="Scleromyxedema")
    gone = make_requester(
        name="Pat Doe",
        email="pat@example.org",
        phone="555",
        country="Peru",
        role="patient",
        postal_address="Av. Larco 123\nLima 15074\nPeru",
    )
    first = closed(gone)
    first.topics.add(topic)
    closed(gone, status=S.CLOSED_WITHOUT_REPLY)
    upload = SimpleUploadedFile("letter.eml", b"From: pat@example.org")
    attachment = inquiry_attach(inquiry=first, upload=upload, by=None)
    stored = tmp_path / attachment.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):  # files go once the purge is committed
        call_command("purge_requesters", "--closed-before", timezone.localdate().isoformat())

    assert "1 requester(s) anonymised" in capsys.readouterr().out
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.phone, gone.country, gone.postal_address) == ("(removed)", "", "", "", "")
    assert gone.anonymised_at is not None
    assert gone.role == "patient"  # statistics stay
    first.refresh_from_db()
    assert first.question and list(first.topics.all()) == [topic]
    assert first.received_at and first.closed_at
    assert InquiryEvent.objects.filter(action="requester.purged").count() == 2
    assert not stored.exists()
    attachment.refresh_from_db()
    assert not attachment.file


def test_it_keeps_requesters_with_an_open_or_recent_inquiry():
    open_one = make_requester(email="open@example.org")
    closed(open_one)
    make_inquiry(open_one)
    recent = make_requester(email="recent@example.org")
    closed(recent, at=timezone.now() - dt.timedelta(days=2))
    call_command("purge_requesters", "--closed-before", (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    assert set(Requester.objects.values_list("email", flat=True)) == {"open@example.org", "recent@example.org"}
    assert not InquiryEvent.objects.exists()


def test_it_does_not_purge_twice():
    closed(make_requester())
    day = timezone.localdate().isoformat()
    call_command("purge_requesters", "--closed-before", day)
    call_command("purge_requesters", "--closed-before", day)
    assert InquiryEvent.objects.filter(action="requester.purged").count() == 1


def test_it_keeps_a_requester_who_consented_until_they_withdraw():
    kept = make_requester(name="Pat Doe", consent_to_keep=True)
    closed(kept)
    day = timezone.localdate().isoformat()
    call_command("purge_requesters", "--closed-before", day)
    assert Requester.objects.get().name == "Pat Doe"
    Requester.objects.filter(pk=kept.pk).update(consent_to_keep=False)  # withdrawn (in the admin)
    call_command("purge_requesters", "--closed-before", day)
    assert Requester.objects.get().name == "(removed)"


def test_it_counts_on_a_dry_run(capsys):
    closed(make_requester())
    call_command("purge_requesters", "--closed-before", timezone.localdate().isoformat(), "--dry-run")
    assert "1 requester(s) would be" in capsys.readouterr().out
    assert Requester.objects.get().anonymised_at is None


def test_it_refuses_a_bad_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("purge_requesters", "--closed-before", "last year")


def test_it_shows_purged_requesters_as_removed(login, alice):
    requester = make_requester(email="pat@example.org")
    inquiry = closed(requester)
    call_command("purge_requesters", "--closed-before", timezone.localdate().isoformat())
    body = login(alice).get(f"/desk/inquiries/{inquiry.pk}/").content.decode()
    assert "pat@example.org" not in body
    assert "Contact data removed" in body
    assert "requester.purged" in body
