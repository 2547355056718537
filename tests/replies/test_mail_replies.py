"""Mail about our letters: bounces mark the delivery bounced; answers thread by our Message-IDs;
our own letters never come back in as questions."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from inquiries.models import IncomingMessage, Inquiry
from replies.inbox import mail_take
from replies.models import Delivery
from replies.outbox.deliveries import delivery_queue
from replies.outbox.sending import delivery_send
from tests.inquiries import mail_samples as samples

from .delivery_factories import small_reply

pytestmark = pytest.mark.django_db


def sent_letter(author, mailoutbox) -> Delivery:
    """A reply sent by email through the outbox (locmem backend): the desk knows its Message-ID."""
    reply = small_reply(author, name="Jane Doe")
    delivery = delivery_queue(reply=reply, by=author, method="email", attach_pdf=False)
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and mailoutbox[-1].extra_headers["Message-ID"] == delivery.message_id
    return delivery


def import_mail(tmp_path, raw: bytes) -> str:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    out = io.StringIO()
    call_command("import_mail", str(path), stdout=out)
    return out.getvalue().strip()


def test_it_marks_the_delivery_a_bounce_reports_bounced(tmp_path, alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    inquiry = delivery.reply.inquiry
    line = import_mail(tmp_path, samples.delivery_report(delivery.message_id))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED and delivery.bounced_at is not None
    assert "550 5.1.1" in delivery.last_error and "Recipient address rejected" in delivery.last_error
    assert line.endswith(f" -> {inquiry.reference} (bounced: {delivery.last_error})")
    event = inquiry.events.get(action="delivery.bounced")
    assert event.note == delivery.last_error and event.data["delivery"] == delivery.pk
    logged = IncomingMessage.objects.get()
    assert (logged.outcome, logged.reason) == ("bounce", f"delivery {delivery.pk}")


def test_it_shows_the_bounce_and_its_reason_on_the_inquiry(tmp_path, alice, mailoutbox, login):
    delivery = sent_letter(alice, mailoutbox)
    import_mail(tmp_path, samples.delivery_report(delivery.message_id))
    page = login(alice).get(reverse("inquiries:detail", args=[delivery.reply.inquiry_id])).content.decode()
    assert "Bounced" in page
    assert "Recipient address rejected" in page
    assert "delivery.bounced" in page


def test_it_lets_a_bounced_reply_go_out_again(tmp_path, alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    import_mail(tmp_path, samples.delivery_report(delivery.message_id))
    again = delivery_queue(reply=delivery.reply, by=alice, method="letter")
    assert again.status == Delivery.Status.QUEUED


def test_it_ignores_a_report_of_a_delay(tmp_path, alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    line = import_mail(tmp_path, samples.delivery_report(delivery.message_id, action="delayed", status="4.4.1"))
    assert line.endswith("(ignored: a delivery report that is not a failure)")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_it_ignores_a_bounce_of_a_message_we_never_sent(tmp_path):
    line = import_mail(tmp_path, samples.delivery_report("<someone-else@example.org>"))
    assert line.endswith("(ignored: a delivery report on no message of ours)")
    assert not Inquiry.objects.exists()


def test_it_takes_a_second_bounce_of_the_same_letter_as_nothing_new(tmp_path, alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    import_mail(tmp_path, samples.delivery_report(delivery.message_id))
    line = import_mail(tmp_path, samples.delivery_report(delivery.message_id))
    assert line.endswith("(ignored: a bounce of a delivery that is bounced)")
    assert delivery.reply.inquiry.events.filter(action="delivery.bounced").count() == 1


def test_it_threads_an_answer_to_our_letter_by_in_reply_to(tmp_path, alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    inquiry = delivery.reply.inquiry
    raw = samples.thunderbird_plain(
        "Thank you, that helps a lot.",
        sender="Jane Doe <jane@example.org>",
        subject="Re: your letter",  # no reference in the subject: the Message-ID carries the thread
        In_Reply_To=delivery.message_id,
    )
    assert import_mail(tmp_path, raw).endswith(f" -> {inquiry.reference} (appended)")
    assert inquiry.events.get(action="inquiry.requester_replied").note == "Thank you, that helps a lot."
    assert Inquiry.objects.count() == 1


def test_it_never_takes_our_own_letter_back_in(alice, mailoutbox):
    delivery = sent_letter(alice, mailoutbox)
    ours = bytes(delivery.eml)
    taken = mail_take(ours)
    assert (taken.outcome, taken.reason) == ("ignored", "our own message")
    assert Inquiry.objects.count() == 1 and not delivery.reply.inquiry.events.filter(
        action="inquiry.requester_replied"
    ).exists()


def test_it_never_takes_our_acknowledgement_back_in(tmp_path, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_mail(tmp_path, samples.thunderbird_plain())
    assert mailoutbox[0].extra_headers["Auto-Submitted"] == "auto-generated"  # other robots stay quiet
    acknowledgement = mailoutbox[0].message().as_bytes()
    assert import_mail(tmp_path, acknowledgement).endswith("(ignored: our own message)")
    assert Inquiry.objects.count() == 1 and len(mailoutbox) == 1
