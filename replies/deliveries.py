"""The outbox: queue a reply for delivery, send it once, archive exactly what went out.

States of a Delivery: queued → sending → sent, or sending → failed → (retry) queued.

- `delivery_queue` creates the Delivery in the same transaction that freezes the reply
  (reply status "sent": nobody edits a letter that is on its way), and enqueues the send
  task only after commit, so a worker never looks for a row that is not there yet.
- `delivery_send` (run by the task worker) claims the row with a conditional UPDATE
  (queued → sending): of two workers, a double click or a resubmitted form, only one wins.
- The archive (.eml, PDF, their SHA-256) is written while the delivery is sending and is
  refused once it is sent.
"""

import hashlib
import logging
from collections import deque
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from inquiries.models import Inquiry
from inquiries.workflow import ALLOWED_MOVES, inquiry_transition, record_event

from .emails import letter_message
from .letter import Letter, assemble_letter
from .models import Delivery, Reply
from .pdf import letter_pdf

logger = logging.getLogger(__name__)

LIVE = (Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT)
# Seconds to wait before the automatic retry after attempt 1, 2, 3, 4; after that, only the button.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
LOST_TASK_AFTER = timedelta(minutes=10)  # a queued delivery no worker picked up by then is enqueued again


class DeliveryError(Exception):
    """A delivery action that is not allowed now; nothing was changed."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# --- Queue --------------------------------------------------------------------------------


def sendable_statuses() -> tuple[str, ...]:
    if settings.REPLY_REVIEW_REQUIRED:
        return (Reply.Status.APPROVED,)
    return (Reply.Status.APPROVED, Reply.Status.DRAFTING)


def stale_headings(reply: Reply) -> list[str]:
    return [block.heading or f"block {block.position}" for block in reply.blocks.all() if block.is_stale]


def _check_can_queue(reply: Reply, *, method: str, confirm_stale: bool) -> None:
    """Raises DeliveryError when the (locked) reply may not be sent now by `method`."""
    live = Delivery.objects.filter(reply=reply, status__in=LIVE).exists()
    # A reply whose deliveries all failed may go out again, e.g. as a printed letter.
    resend = reply.status == Reply.Status.SENT and not live
    if live or (reply.status not in sendable_statuses() and not resend):
        raise DeliveryError("This reply is not ready to send, or it is on its way already.", code="status")
    letter = assemble_letter(reply)
    if not letter.is_sendable:
        raise DeliveryError(letter.not_sendable_because, code="too_long" if letter.too_long else "citations")
    stale = stale_headings(reply)
    if stale and not confirm_stale:
        raise DeliveryError(
            "Some sections have not been updated for a long time: " + "; ".join(stale) + ". Confirm to send anyway.",
            code="stale",
        )
    requester = reply.inquiry.requester
    if method == Delivery.Method.EMAIL and (not requester.email or requester.anonymised_at):
        raise DeliveryError("The requester has no email address: send a PDF letter instead.", code="no_email")
    if method not in Delivery.Method.values:
        raise DeliveryError("Unknown delivery method.", code="method")


def delivery_queue(
    *, reply: Reply, by: AbstractBaseUser, method: str, attach_pdf: bool = True, confirm_stale: bool = False
) -> Delivery:
    """Queue the reply for sending; the send task runs after commit."""
    now = timezone.now()
    with transaction.atomic():
        current = Reply.objects.select_for_update().select_related("inquiry__requester").get(pk=reply.pk)
        _check_can_queue(current, method=method, confirm_stale=confirm_stale)
        requester = current.inquiry.requester
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    reply=current,
                    method=method,
                    recipient_name=requester.name if not requester.anonymised_at else "",
                    recipient_email=requester.email if method == Delivery.Method.EMAIL else "",
                    attach_pdf=attach_pdf or method == Delivery.Method.LETTER,
                    created_by=by,
                    queued_at=now,
                )
        except IntegrityError as exc:  # the partial unique index: a live delivery exists already
            raise DeliveryError("This reply is on its way already.", code="status") from exc
        # Earlier failed deliveries are superseded: no more automatic retries for them.
        Delivery.objects.filter(reply=current, status=Delivery.Status.FAILED).update(next_attempt_at=None)
        Reply.objects.filter(pk=current.pk).update(status=Reply.Status.SENT, version=F("version") + 1, updated_at=now)
        record_event(
            inquiry=current.inquiry,
            action="delivery.queued",
            by=by,
            data={"reply": current.pk, "delivery": delivery.pk, "method": method},
        )
        transaction.on_commit(lambda: enqueue_send(delivery.pk))
    reply.status = Reply.Status.SENT
    return delivery


def enqueue_send(delivery_id: int) -> None:
    from .tasks import send_delivery  # the task module imports this one

    send_delivery.enqueue(delivery_id)


# --- Send ---------------------------------------------------------------------------------


def sha256(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""


def delivery_archive(*, delivery: Delivery, eml: bytes | None, pdf: bytes | None, message_id: str = "") -> None:
    """Store what is about to go out. Allowed only while sending: a sent archive never changes."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        eml=eml, eml_sha256=sha256(eml), pdf=pdf, pdf_sha256=sha256(pdf), message_id=message_id
    )
    if not updated:
        raise DeliveryError("The archive of a delivery that is not being sent cannot change.", code="sealed")
    delivery.eml, delivery.eml_sha256, delivery.pdf, delivery.pdf_sha256 = eml, sha256(eml), pdf, sha256(pdf)
    delivery.message_id = message_id


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1, started_at=now, next_attempt_at=None
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("reply__inquiry__requester", "created_by").get(pk=delivery_id)


def _render_and_archive(delivery: Delivery, letter: Letter):
    """Render the outputs, archive them; returns the email to send (None for a PDF letter)."""
    pdf = letter_pdf(letter) if delivery.attach_pdf or delivery.method == Delivery.Method.LETTER else None
    if delivery.method == Delivery.Method.LETTER:
        delivery_archive(delivery=delivery, eml=None, pdf=pdf)
        return None
    message = letter_message(
        reply=delivery.reply,
        letter=letter,
        attach_pdf=delivery.attach_pdf,
        to_name=delivery.recipient_name,
        to_email=delivery.recipient_email,
        pdf=pdf,
    )
    delivery_archive(delivery=delivery, eml=message.as_eml(), pdf=pdf, message_id=message.message_id)
    return message


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one queued delivery, once. Returns None when it was not queued (someone else has it)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    try:
        message = _render_and_archive(delivery, assemble_letter(delivery.reply))
        if message is not None:
            # The SMTP conversation happens outside any transaction: it can take seconds (or
            # EMAIL_TIMEOUT), and a transaction held open that long would keep locks (on SQLite,
            # the whole database) from every other request. The claim above makes the row ours.
            message.send(fail_silently=False)
    except Exception as exc:  # SMTP down, recipient refused, rendering failed: all the same here
        logger.warning("delivery %s failed: %s", delivery.pk, exc)
        delivery_fail(delivery=delivery, error=f"{type(exc).__name__}: {exc}")
        return delivery
    delivery_mark_sent(delivery=delivery)
    return delivery


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    if attempts > len(BACKOFF):
        return None
    return now + timedelta(seconds=BACKOFF[attempts - 1])


def delivery_fail(*, delivery: Delivery, error: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != Delivery.Status.SENDING:
            raise DeliveryError("Only a delivery being sent can fail.", code="status")
        locked.status = Delivery.Status.FAILED
        locked.last_error = error[:2000]
        locked.next_attempt_at = next_attempt(locked.attempts, now)
        locked.save(update_fields=["status", "last_error", "next_attempt_at"])
        record_event(
            inquiry=locked.reply.inquiry,
            action="delivery.failed",
            by=None,
            note=locked.last_error,
            data={"reply": locked.reply_id, "delivery": locked.pk, "attempt": locked.attempts},
        )
    delivery.status, delivery.last_error, delivery.next_attempt_at = (
        locked.status,
        locked.last_error,
        locked.next_attempt_at,
    )


def delivery_mark_sent(*, delivery: Delivery) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
        )
        if not updated:
            raise DeliveryError("Only a delivery being sent can be marked sent.", code="status")
        data = {"reply": delivery.reply_id, "delivery": delivery.pk, "method": delivery.method}
        if delivery.message_id:
            data["message_id"] = delivery.message_id
        if delivery.pdf_sha256:  # the timeline names the PDF that went out (the archive link shows the same hash)
            data["pdf_sha256"] = delivery.pdf_sha256
        inquiry_to_sent(inquiry=delivery.reply.inquiry, by=delivery.created_by, data=data)
    delivery.status, delivery.sent_at = Delivery.Status.SENT, now


# The inquiry may reach "sent" through these on the way (e.g. drafting → ready → sent when no
# review is required); never through a closed or new status.
PASSING = {Inquiry.Status.DRAFTING, Inquiry.Status.READY}


def path_to_sent(status: str) -> list[str] | None:
    """The shortest legal list of moves from `status` to sent, or None."""
    paths = deque([[status]])
    while paths:
        path = paths.popleft()
        for step in ALLOWED_MOVES.get(path[-1], ()):
            if step == Inquiry.Status.SENT:
                return path[1:] + [step]
            if step in PASSING and step not in path:
                paths.append(path + [step])
    return None


def inquiry_to_sent(*, inquiry: Inquiry, by: AbstractBaseUser | None, data: dict) -> None:
    """Move the inquiry to sent along the legal path; when there is none, only log the sending."""
    inquiry.refresh_from_db(fields=["status"])
    path = path_to_sent(inquiry.status) if inquiry.status != Inquiry.Status.SENT else None
    if not path:
        note = "" if inquiry.status == Inquiry.Status.SENT else f"The inquiry stays {inquiry.get_status_display()}."
        record_event(inquiry=inquiry, action="reply.sent", by=by, note=note, data=data)
        return
    for step in path[:-1]:
        inquiry_transition(inquiry=inquiry, to=step, by=by, action="reply.sending", data=data)
    inquiry_transition(inquiry=inquiry, to=Inquiry.Status.SENT, by=by, action="reply.sent", data=data)


# --- Retry --------------------------------------------------------------------------------


def delivery_retry(*, delivery: Delivery, by: AbstractBaseUser | None) -> Delivery:
    """failed → queued (the button, or `retry_deliveries` when its time has come)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("reply__inquiry").get(pk=delivery.pk)
        if locked.status != Delivery.Status.FAILED:
            raise DeliveryError("Only a failed delivery can be retried.", code="status")
        try:
            with transaction.atomic():
                Delivery.objects.filter(pk=locked.pk).update(
                    status=Delivery.Status.QUEUED, next_attempt_at=None, queued_at=now
                )
        except IntegrityError as exc:
            raise DeliveryError("Another delivery of this reply is on its way already.", code="status") from exc
        record_event(
            inquiry=locked.reply.inquiry,
            action="delivery.retried",
            by=by,
            data={"reply": locked.reply_id, "delivery": locked.pk, "automatic": by is None},
        )
        transaction.on_commit(lambda: enqueue_send(locked.pk))
    delivery.status = Delivery.Status.QUEUED
    return delivery


def deliveries_retry_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Retry the failed deliveries whose time has come; enqueue again the queued ones no worker
    picked up (a crash between commit and enqueue). Returns (retried, re-enqueued)."""
    now = now or timezone.now()
    retried = 0
    due = Delivery.objects.filter(status=Delivery.Status.FAILED, next_attempt_at__lte=now)
    for delivery in due.only("pk"):
        try:
            delivery_retry(delivery=delivery, by=None)
            retried += 1
        except DeliveryError:
            continue  # a person retried it meanwhile, or a newer delivery supersedes it
    lost = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, queued_at__lt=now - LOST_TASK_AFTER).values_list(
            "pk", flat=True
        )
    )
    for pk in lost:
        enqueue_send(pk)  # harmless if a worker has it after all: only one claim succeeds
    _release_stopped(now)
    return retried, len(lost)


def _release_stopped(now: datetime) -> None:
    """A worker that died while sending leaves its delivery "sending". When nothing can have
    gone out yet (no email built, or a PDF letter, which only renders), it fails and is
    retried; an email that may have reached the server is left for a person to check."""
    stopped = Delivery.objects.filter(status=Delivery.Status.SENDING, started_at__lt=now - LOST_TASK_AFTER)
    safe = stopped.filter(models.Q(method=Delivery.Method.LETTER) | models.Q(eml__isnull=True))
    for delivery in safe.only("pk"):  # delivery_fail reads the row itself, under a lock
        delivery_fail(delivery=delivery, error="The worker stopped before sending; it will be retried.")
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(next_attempt_at=now)


# --- Archive downloads ------------------------------------------------------------------------

ARCHIVE_KINDS = {"eml": ("eml", "eml_sha256", "message/rfc822"), "pdf": ("pdf", "pdf_sha256", "application/pdf")}


def delivery_download(*, delivery: Delivery, by: AbstractBaseUser, kind: str) -> tuple[bytes, str]:
    """The archived bytes of one kind ("eml" or "pdf") and their content type; logged in the timeline."""
    field, hash_field, content_type = ARCHIVE_KINDS[kind]
    data = getattr(delivery, field)
    if delivery.status != Delivery.Status.SENT or not data:
        raise DeliveryError("There is no archived copy of that kind for this delivery.", code="no_archive")
    record_event(
        inquiry=delivery.reply.inquiry,
        action="delivery.downloaded",
        by=by,
        data={"delivery": delivery.pk, "kind": kind, "sha256": getattr(delivery, hash_field)},
    )
    return bytes(data), content_type
