"""import_mail: questions by email open inquiries, answers join them, the rest is ignored with a reason."""

import io
import mailbox
from email.utils import make_msgid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inquiries.models import IncomingMessage, Inquiry, InquiryAttachment, InquiryEvent, Requester
from tests.conftest import make_inquiry, make_requester
from tests.inquiries import mail_samples as samples
from tests.replies.delivery_factories import import_example

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path, raw: bytes, name: str = "message.eml"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def import_mail(*paths) -> list[str]:
    out = io.StringIO()
    call_command("import_mail", *map(str, paths), stdout=out)
    return out.getvalue().splitlines()


def our_inquiry(requester=None, **fields) -> Inquiry:
    """An inquiry with a reference number as the desk hands them out."""
    inquiry = make_inquiry(requester or make_requester("Pat Doe", "pat@example.org"), **fields)
    inquiry.reference = f"RD-2026-{inquiry.pk:06d}"
    inquiry.save(update_fields=["reference"])
    return inquiry


def test_it_opens_an_inquiry_from_an_email_and_acknowledges_it(
    tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    path = write(tmp_path, samples.thunderbird_plain(message_id="<q1@mail.example.org>"))
    with django_capture_on_commit_callbacks(execute=True):
        lines = import_mail(path)
    inquiry = Inquiry.objects.get()
    assert lines == [f"<q1@mail.example.org> -> {inquiry.reference} (new)"]
    assert inquiry.channel == Inquiry.Channel.EMAIL and inquiry.status == Inquiry.Status.NEW
    assert inquiry.question == f"Question about scleromyxedema\n\n{samples.QUESTION}"
    assert (inquiry.requester.name, inquiry.requester.email) == ("Pat Doe", "pat@example.org")
    assert inquiry.events.get().action == "inquiry.created"
    assert [m.to for m in mailoutbox] == [["pat@example.org"]]
    assert f"[{inquiry.reference}]" in mailoutbox[0].subject


def test_it_runs_topic_suggestions_on_a_new_email_inquiry(tmp_path):
    topic = import_example()
    import_mail(write(tmp_path, samples.thunderbird_plain()))
    assert list(Inquiry.objects.get().topics.all()) == [topic]


def test_it_matches_the_requester_by_address_without_changing_their_details(tmp_path):
    known = make_requester(name="Patricia Doe", email="pat@example.org", phone="555-0100")
    import_mail(write(tmp_path, samples.thunderbird_plain(sender="Someone Else <PAT@example.org>")))
    assert Inquiry.objects.get().requester == known
    known.refresh_from_db()
    assert (known.name, known.phone) == ("Patricia Doe", "555-0100")
    assert Requester.objects.count() == 1


def test_it_takes_the_same_message_id_once(tmp_path):
    path = write(tmp_path, samples.thunderbird_plain(message_id="<same@mail.example.org>"))
    first = import_mail(path)
    counts = (Inquiry.objects.count(), InquiryEvent.objects.count(), Requester.objects.count())
    second = import_mail(path)
    reference = Inquiry.objects.get().reference
    assert first == [f"<same@mail.example.org> -> {reference} (new)"]
    assert second == [f"<same@mail.example.org> -> {reference} (duplicate)"]
    assert (Inquiry.objects.count(), InquiryEvent.objects.count(), Requester.objects.count()) == counts


def test_it_adds_a_message_with_our_reference_in_the_subject_to_that_inquiry(tmp_path, alice):
    inquiry = our_inquiry(assignee=alice, status=Inquiry.Status.ASSIGNED)
    raw = samples.thunderbird_plain(
        "It started two years ago, on my hands.", subject=f"Re: We received your question [{inquiry.reference}]"
    )
    lines = import_mail(write(tmp_path, raw))
    assert lines[0].endswith(f" -> {inquiry.reference} (appended)")
    event = inquiry.events.get(action="inquiry.requester_replied")
    assert event.note == "It started two years ago, on my hands."
    assert event.actor is None and "other_sender" not in event.data
    assert Inquiry.objects.count() == 1
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ASSIGNED


def test_it_sends_an_inquiry_waiting_on_the_requester_back_to_its_specialist(tmp_path, alice):
    inquiry = our_inquiry(assignee=alice, status=Inquiry.Status.WAITING)
    import_mail(write(tmp_path, samples.thunderbird_plain(subject=f"Re: [{inquiry.reference}]")))
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ASSIGNED and inquiry.assignee == alice
    moved = inquiry.events.get(action="inquiry.resumed_work")
    assert (moved.from_status, moved.to_status) == ("waiting", "assigned")


def test_it_puts_a_waiting_inquiry_without_specialist_back_on_the_pile(tmp_path):
    inquiry = our_inquiry(status=Inquiry.Status.WAITING)
    import_mail(write(tmp_path, samples.thunderbird_plain(subject=f"Re: [{inquiry.reference}]")))
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_it_threads_a_reply_to_an_earlier_email_of_the_same_thread(tmp_path):
    first = samples.thunderbird_plain(message_id="<first@mail.example.org>")
    follow_up = samples.thunderbird_plain(
        "I forgot: I am 54.", subject="Re: Question", In_Reply_To="<first@mail.example.org>"
    )
    lines = import_mail(write(tmp_path, first, "1.eml"), write(tmp_path, follow_up, "2.eml"))
    inquiry = Inquiry.objects.get()
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["(new)", "(appended)"]
    assert inquiry.events.get(action="inquiry.requester_replied").note == "I forgot: I am 54."


def test_it_marks_a_message_from_another_address_on_the_thread(tmp_path):
    inquiry = our_inquiry(make_requester(email="pat@example.org"))
    raw = samples.thunderbird_plain(sender="Doctor <dr@clinic.example>", subject=f"Fwd: [{inquiry.reference}]")
    import_mail(write(tmp_path, raw))
    assert inquiry.events.get(action="inquiry.requester_replied").data["other_sender"] is True


def test_it_opens_a_new_inquiry_for_an_unknown_reference(tmp_path):
    lines = import_mail(write(tmp_path, samples.thunderbird_plain(subject="Re: [RD-1999-999999]")))
    assert lines[0].endswith("(new)") and Inquiry.objects.count() == 1


def test_it_stores_attachments_as_inquiry_attachments(tmp_path):
    import_mail(write(tmp_path, samples.apple_mail_with_attachments()))
    inquiry = Inquiry.objects.get()
    stored = {a.original_name: a for a in inquiry.attachments.all()}
    assert set(stored) == {"logo.png", "scan.pdf"}
    assert stored["scan.pdf"].file.read() == samples.PDF
    assert stored["scan.pdf"].content_type == "application/pdf" and stored["scan.pdf"].size == len(samples.PDF)
    assert stored["scan.pdf"].uploaded_by is None


def test_it_refuses_an_attachment_over_the_upload_limit_and_keeps_the_message(tmp_path):
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 1)
    raw = samples.apple_mail_with_attachments(attachments=[("big.pdf", "pdf", big), ("small.pdf", "pdf", samples.PDF)])
    lines = import_mail(write(tmp_path, raw))
    inquiry = Inquiry.objects.get()
    assert lines[0].endswith("(new)")
    assert sorted(inquiry.attachments.values_list("original_name", flat=True)) == ["logo.png", "small.pdf"]
    refused = inquiry.events.get(action="inquiry.attachments_refused")
    assert refused.data["refused"] == ["big.pdf: The file is larger than 20 MB."]


def test_it_refuses_an_attachment_of_a_type_not_on_the_list(tmp_path):
    raw = samples.apple_mail_with_attachments(attachments=[("invoice.html", "html", b"<script>x</script>")])
    import_mail(write(tmp_path, raw))
    inquiry = Inquiry.objects.get()
    assert "invoice.html" not in inquiry.attachments.values_list("original_name", flat=True)
    refused = inquiry.events.get(action="inquiry.attachments_refused").data["refused"]
    assert refused[0].startswith("invoice.html: This kind of file cannot be attached.")


def test_it_stores_an_attachment_with_a_hostile_name_under_a_plain_one(tmp_path, settings):
    raw = samples.apple_mail_with_attachments(attachments=[("../../../../etc/cron.d/evil.txt", "octet-stream", b"x")])
    import_mail(write(tmp_path, raw))
    attachment = InquiryAttachment.objects.get(original_name="evil.txt")
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert not (tmp_path / "etc").exists()


def test_it_takes_an_html_only_message_with_scripts_as_text(tmp_path):
    html = "<p>What causes scleromyxedema?</p><script>document.location='https://evil.example'</script>"
    import_mail(write(tmp_path, samples.outlook_html_only(html)))
    question = Inquiry.objects.get().question
    assert question == "Help please\n\nWhat causes scleromyxedema?"


@pytest.mark.parametrize("headers, reason", [
    ({"Auto_Submitted": "auto-replied"}, "auto-submitted (auto-replied)"),
    ({"X_Autoreply": "yes"}, "auto-reply"),
    ({"Precedence": "list"}, "precedence list"),
    ({"List_Unsubscribe": "<mailto:leave@lists.example.org>"}, "mailing list"),
    ({"subject": "Out of office until Monday"}, "auto-reply (subject)"),
])
def test_it_ignores_auto_replies_and_list_mail_and_logs_them(tmp_path, headers, reason):
    raw = samples.thunderbird_plain(message_id="<auto@mail.example.org>", **headers)
    lines = import_mail(write(tmp_path, raw))
    assert lines == [f"<auto@mail.example.org> -> (ignored: {reason})"]
    assert not Inquiry.objects.exists() and not Requester.objects.exists()
    logged = IncomingMessage.objects.get()
    assert (logged.outcome, logged.reason, logged.inquiry) == ("ignored", reason, None)


def test_it_ignores_an_auto_reply_even_with_our_reference(tmp_path, alice):
    inquiry = our_inquiry(assignee=alice, status=Inquiry.Status.WAITING)
    raw = samples.thunderbird_plain(subject=f"Automatic reply: [{inquiry.reference}]")
    assert import_mail(write(tmp_path, raw))[0].endswith("(ignored: auto-reply (subject))")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.WAITING and not inquiry.events.exists()


def test_it_never_takes_our_own_messages_in(tmp_path, settings):
    settings.DEFAULT_FROM_EMAIL = "Reply Desk <replies@replydesk.example.org>"
    raw = samples.thunderbird_plain(sender="Reply Desk <replies@replydesk.example.org>")
    assert import_mail(write(tmp_path, raw))[0].endswith("(ignored: our own message)")
    assert not Inquiry.objects.exists()


def test_it_ignores_a_message_over_the_size_limit(tmp_path):
    raw = samples.thunderbird_plain() + (b"A" * 99 + b"\n") * (300 * 1024)  # 30 MB
    lines = import_mail(write(tmp_path, raw))
    assert lines[0].endswith("(ignored: larger than 28 MB)")
    assert not Inquiry.objects.exists() and not InquiryAttachment.objects.exists()


def test_it_ignores_an_empty_message_and_one_without_a_sender(tmp_path):
    empty = samples.thunderbird_plain("", subject="")
    anonymous = samples.thunderbird_plain().replace(b"From: Pat Doe <pat@example.org>", b"From: nobody")
    lines = import_mail(write(tmp_path, empty, "1.eml"), write(tmp_path, anonymous, "2.eml"))
    assert [line.split(" -> ")[1] for line in lines] == [
        "(ignored: no text)",
        "(ignored: no valid sender address to answer)",
    ]
    assert not Inquiry.objects.exists()


def test_it_reads_mbox_files_and_maildir_folders(tmp_path):
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    for number in range(3):
        box.add(samples.thunderbird_plain(message_id=f"<m{number}@mail.example.org>"))
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(samples.gmail_quoted_printable("¿Qué causa el escleromixedema?"))
    lines = import_mail(tmp_path / "inbox.mbox", tmp_path / "Maildir")
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["(new)"] * 4
    assert lines[0].startswith("<m0@mail.example.org> -> ")
    assert Inquiry.objects.filter(requester__email="ana@example.es").get().question.endswith("escleromixedema?")


def test_it_reports_a_message_that_fails_by_file_name_and_keeps_nothing_of_it(tmp_path, settings):
    # Attachments cannot be stored (the media folder is a file): the message fails as a whole.
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker
    good = write(tmp_path, samples.thunderbird_plain(message_id="<good@mail.example.org>"), "good.eml")
    bad = write(tmp_path, samples.apple_mail_with_attachments(), "bad.eml")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 message"):
        call_command("import_mail", str(bad), str(good), stdout=out, stderr=err)
    assert err.getvalue().startswith(f"{bad}: failed: ")
    assert out.getvalue().endswith("(new)\n")
    assert Inquiry.objects.get().requester.email == "pat@example.org"
    assert not InquiryAttachment.objects.exists() and IncomingMessage.objects.count() == 1


def test_it_reports_a_path_it_cannot_read(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_mail", str(tmp_path / "missing.eml"), stderr=err)
    assert "missing.eml: cannot be read" in err.getvalue()


def test_it_gives_a_message_without_message_id_a_stable_one(tmp_path):
    raw = samples.thunderbird_plain(message_id=make_msgid()).split(b"\n")
    raw = b"\n".join(line for line in raw if not line.startswith(b"Message-ID"))
    path = write(tmp_path, raw)
    first, second = import_mail(path), import_mail(path)
    assert first[0].endswith("(new)") and second[0].endswith("(duplicate)")
    assert first[0].split(" -> ")[0] == second[0].split(" -> ")[0]


BAD_MAIL = {
    "raw 8-bit header bytes": (
        b"From: J\xf6rg <jorg@example.de>\nSubject: Gr\xf6\xdfe \xe4rger\nMessage-ID: <bad1@x>\n\nWhat causes it?\n",
        "(new)",
    ),
    "a header line without a colon": (
        b"From: Pat <pat@example.org>\nthis is not a header\nMessage-ID: <bad2@x>\n\nWhat causes it?\n",
        "(new)",
    ),
    "an unknown charset": (
        b"From: Pat <pat@example.org>\nMessage-ID: <bad3@x>\nContent-Type: text/plain; charset=x-martian\n\nHello\n",
        "(new)",
    ),
    "NUL characters": (b"From: Pat <pat@example.org>\nMessage-ID: <bad4@x>\nSubject: a\x00b\n\nc\x00d\n", "(new)"),
    "a broken base64 body": (
        b"From: Pat <pat@example.org>\nMessage-ID: <bad5@x>\nContent-Transfer-Encoding: base64\n\n!!!not base64\n",
        "(new)",
    ),
    "a multipart without its boundary": (
        b"From: Pat <pat@example.org>\nMessage-ID: <bad6@x>\nContent-Type: multipart/mixed\n\nno parts here\n",
        "(new)",
    ),
    "a From with no address": (b"From: undisclosed-recipients:;\nMessage-ID: <bad7@x>\n\nhello\n",
                                "(ignored: no valid sender address to answer)"),
    "not an email at all": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(ignored: no valid sender address to answer)"),
}


@pytest.mark.parametrize("raw, outcome", BAD_MAIL.values(), ids=BAD_MAIL.keys())
def test_it_gives_bad_mail_a_clear_outcome(tmp_path, raw, outcome):
    lines = import_mail(write(tmp_path, raw))
    assert len(lines) == 1 and lines[0].endswith(outcome)
    for inquiry in Inquiry.objects.all():
        assert "\x00" not in inquiry.question and inquiry.events.filter(action="inquiry.created").exists()


def test_it_keeps_the_attachments_of_an_answer_with_its_inquiry(tmp_path):
    inquiry = our_inquiry()
    raw = samples.apple_mail_with_attachments(sender="Pat Doe <pat@example.org>").replace(
        b"Subject: Scleromyxedema", f"Subject: Re: [{inquiry.reference}]".encode()
    )
    assert import_mail(write(tmp_path, raw))[0].endswith(f"{inquiry.reference} (appended)")
    assert sorted(inquiry.attachments.values_list("original_name", flat=True)) == ["logo.png", "scan.pdf"]
    assert Inquiry.objects.count() == 1


def test_it_shows_the_requesters_message_on_the_inquiry_page_as_text(tmp_path, alice, login):
    inquiry = our_inquiry(assignee=alice)
    raw = samples.thunderbird_plain("<script>alert('x')</script> It itches.", subject=f"Re: [{inquiry.reference}]")
    import_mail(write(tmp_path, raw))
    page = login(alice).get(inquiry.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; It itches." in page
    assert "<script>alert" not in page
