"""The outbox services: what may be queued, the single claim, the sealed archive, the inquiry's moves."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent
from replies.models import Delivery, Reply, ReplyBlock
from replies.outbox.deliveries import delivery_download, delivery_queue, delivery_retry
from replies.outbox.sending import DeliveryError, delivery_archive, delivery_send, next_attempt

from .delivery_factories import set_status, small_reply


def queue(reply, by, **kw):
    kw.setdefault("method", "email")
    kw.setdefault("attach_pdf", False)
    return delivery_queue(reply=reply, by=by, **kw)


def codes(excinfo) -> str:
    return excinfo.value.code


def test_it_queues_an_approved_reply_and_freezes_it(alice):
    reply = small_reply(alice)
    delivery = queue(reply, alice)
    assert delivery.status == Delivery.Status.QUEUED and delivery.queued_at is not None
    assert delivery.recipient_email == "jane@example.org" and delivery.recipient_name == "Jane Doe"
    current = Reply.objects.get(pk=reply.pk)
    assert current.status == Reply.Status.SENT and current.version == reply.version + 1
    assert reply.inquiry.events.filter(action="delivery.queued").count() == 1
    assert mail.outbox == []  # nothing goes out before commit


def test_it_refuses_a_draft_when_review_is_required(alice, settings):
    settings.REPLY_REVIEW_REQUIRED = True
    reply = small_reply(alice, status=Reply.Status.DRAFTING)
    with pytest.raises(DeliveryError) as excinfo:
        queue(reply, alice)
    assert codes(excinfo) == "status"
    assert not Delivery.objects.exists()
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.DRAFTING


def test_it_sends_a_draft_when_review_is_not_required(alice, settings, django_capture_on_commit_callbacks):
    settings.REPLY_REVIEW_REQUIRED = False
    reply = small_reply(alice, status=Reply.Status.DRAFTING)
    Inquiry.objects.filter(pk=reply.inquiry_id).update(status=Inquiry.Status.DRAFTING)
    with django_capture_on_commit_callbacks(execute=True):
        queue(reply, alice)
    assert len(mail.outbox) == 1
    inquiry = Inquiry.objects.get(pk=reply.inquiry_id)
    assert inquiry.status == Inquiry.Status.SENT
    moves = list(inquiry.events.exclude(to_status="").values_list("from_status", "to_status"))
    assert moves[-2:] == [("drafting", "ready"), ("ready", "sent")]


def test_it_refuses_unknown_citations(alice):
    reply = small_reply(alice)
    ReplyBlock.objects.filter(reply=reply, kind="section").update(body="Cites a ghost.[@nobody2020]")
    with pytest.raises(DeliveryError) as excinfo:
        queue(reply, alice)
    assert codes(excinfo) == "citations" and "[@nobody2020]" in str(excinfo.value)


def test_it_needs_confirmation_for_stale_sections(alice):
    reply = small_reply(alice)
    ReplyBlock.objects.filter(reply=reply, kind="section").update(last_updated=timezone.localdate() - timedelta(3000))
    with pytest.raises(DeliveryError) as excinfo:
        queue(reply, alice)
    assert codes(excinfo) == "stale"
    assert queue(reply, alice, confirm_stale=True).status == Delivery.Status.QUEUED


def test_it_needs_an_email_address_to_email(alice):
    reply = small_reply(alice)
    reply.inquiry.requester.email = ""
    reply.inquiry.requester.save(update_fields=["email"])
    with pytest.raises(DeliveryError) as excinfo:
        queue(reply, alice)
    assert codes(excinfo) == "no_email"
    assert queue(reply, alice, method="letter").method == Delivery.Method.LETTER


def test_it_queues_a_reply_once(alice):
    reply = small_reply(alice)
    queue(reply, alice)
    with pytest.raises(DeliveryError):
        queue(Reply.objects.get(pk=reply.pk), alice)
    assert Delivery.objects.filter(reply=reply).count() == 1


def test_it_sends_a_delivery_once_when_two_workers_run_it(alice):
    reply = small_reply(alice)
    delivery = queue(reply, alice)  # on_commit callbacks are not run: we are the workers
    assert delivery_send(delivery_id=delivery.pk) is not None
    assert delivery_send(delivery_id=delivery.pk) is None
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert delivery.message_id == mail.outbox[0].message()["Message-ID"]


def test_it_prints_a_pdf_letter(alice):
    reply = small_reply(alice)
    delivery = queue(reply, alice, method="letter")
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert mail.outbox == []
    assert delivery.status == Delivery.Status.SENT
    assert bytes(delivery.pdf).startswith(b"%PDF") and len(delivery.pdf_sha256) == 64
    assert delivery.eml is None
    assert Inquiry.objects.get(pk=reply.inquiry_id).status == Inquiry.Status.SENT


def test_it_never_changes_a_sent_archive(alice):
    reply = small_reply(alice)
    delivery = queue(reply, alice)
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    before = (bytes(delivery.eml), delivery.eml_sha256)
    with pytest.raises(DeliveryError) as excinfo:
        delivery_archive(delivery=delivery, eml=b"forged", pdf=None)
    assert codes(excinfo) == "sealed"
    delivery.refresh_from_db()
    assert (bytes(delivery.eml), delivery.eml_sha256) == before


def test_it_logs_each_archive_download(alice, bob):
    reply = small_reply(alice)
    delivery = queue(reply, alice)
    with pytest.raises(DeliveryError):
        delivery_download(delivery=Delivery.objects.get(pk=delivery.pk), by=bob, kind="eml")  # not sent yet
    delivery_send(delivery_id=delivery.pk)
    delivery = Delivery.objects.select_related("reply__inquiry").get(pk=delivery.pk)
    data, content_type = delivery_download(delivery=delivery, by=bob, kind="eml")
    assert data == bytes(delivery.eml) and content_type == "message/rfc822"
    event = InquiryEvent.objects.get(action="delivery.downloaded")
    assert event.actor == bob and event.data["sha256"] == delivery.eml_sha256


def test_it_retries_only_failed_deliveries(alice):
    reply = small_reply(alice)
    delivery = queue(reply, alice)
    with pytest.raises(DeliveryError):
        delivery_retry(delivery=delivery, by=alice)


def test_it_backs_off_then_leaves_it_to_a_person():
    now = timezone.now()
    waits = [next_attempt(attempt, now) - now for attempt in (1, 2, 3, 4)]
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120)]
    assert next_attempt(5, now) is None


def test_it_leaves_a_closed_inquiry_closed_but_logs_the_sending(alice):
    reply = small_reply(alice)
    Inquiry.objects.filter(pk=reply.inquiry_id).update(status=Inquiry.Status.CLOSED)
    delivery = queue(reply, alice)
    delivery_send(delivery_id=delivery.pk)
    inquiry = Inquiry.objects.get(pk=reply.inquiry_id)
    assert inquiry.status == Inquiry.Status.CLOSED
    assert inquiry.events.get(action="reply.sent").note


def test_it_may_send_again_as_a_letter_after_a_failure(alice):
    reply = small_reply(alice)
    failed = queue(reply, alice)
    Delivery.objects.filter(pk=failed.pk).update(status="failed", next_attempt_at=timezone.now())
    again = queue(set_status(reply, Reply.Status.SENT), alice, method="letter")
    assert again.pk != failed.pk
    assert Delivery.objects.get(pk=failed.pk).next_attempt_at is None  # superseded: no automatic retry


def test_it_releases_a_delivery_whose_worker_died_before_sending(alice, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    reply = small_reply(alice)
    delivery = queue(reply, alice)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", started_at=long_ago, queued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_deliveries", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_deliveries", stdout=io.StringIO())
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and len(mail.outbox) == 1


def test_it_leaves_an_email_that_may_have_gone_out_to_a_person(alice):
    from replies.outbox.deliveries import deliveries_retry_due

    reply = small_reply(alice)
    delivery = queue(reply, alice)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", started_at=long_ago, eml=b"built")
    deliveries_retry_due()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.UNKNOWN  # for a person to check
    assert mail.outbox == []


def test_it_sends_one_reply_by_email_and_as_a_printed_letter_each_archived(alice):
    reply = small_reply(alice)
    emailed = queue(reply, alice, method="email")
    printed = queue(Reply.objects.get(pk=reply.pk), alice, method="letter")
    assert emailed.pk != printed.pk
    for delivery in (emailed, printed):
        delivery_send(delivery_id=delivery.pk)
    emailed.refresh_from_db()
    printed.refresh_from_db()
    assert (emailed.status, printed.status) == (Delivery.Status.SENT, Delivery.Status.SENT)
    assert emailed.eml is not None and len(emailed.eml_sha256) == 64
    assert bytes(printed.pdf).startswith(b"%PDF") and printed.eml is None
    assert len(mail.outbox) == 1
    # Each way goes out once.
    for method in ("email", "letter"):
        with pytest.raises(DeliveryError) as excinfo:
            queue(Reply.objects.get(pk=reply.pk), alice, method=method)
        assert codes(excinfo) == "status"
    assert Delivery.objects.filter(reply=reply).count() == 2
    assert Inquiry.objects.get(pk=reply.inquiry_id).status == Inquiry.Status.SENT
