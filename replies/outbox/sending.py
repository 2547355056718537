"""Sending one delivery, once: claim it, render and archive what goes out, send, record the outcome.

Run by the task worker (replies.outbox.tasks.send_delivery). The claim is a conditional UPDATE
(queued → sending): of two workers, a double click or a resubmitted form, only one wins. The
archive (.eml, PDF, their SHA-256) is written while the delivery is sending and is refused once
it is sent.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inquiries.services import inquiry_mark_sent
from inquiries.workflow import record_event
from lib.smtp import handed_over

from ..answered import letter_remember
from ..letter.assembly import Letter, assemble_letter
from ..letter.message import letter_message
from ..letter.pdf import letter_pdf
from ..models import Delivery

logger = logging.getLogger(__name__)

# Seconds to wait before the automatic retry after attempt 1, 2, 3, 4; after that, only the button.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 60 * 60)


class DeliveryError(Exception):
    """A delivery action that is not allowed now; nothing was changed."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


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
    by_post = delivery.method == Delivery.Method.LETTER
    pdf = letter_pdf(letter, postal=by_post) if delivery.attach_pdf or by_post else None
    if by_post:
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


class OutcomeUnknown(Exception):
    """The connection failed after the server had the whole message: it may have arrived."""


def _hand_over(message) -> None:
    """Send `message` on a connection of its own, to tell an error before the hand-over
    (nothing went out) from one after it (OutcomeUnknown)."""
    connection = get_connection(fail_silently=False)
    message.connection = connection
    connection.open()
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        if handed_over(connection):
            raise OutcomeUnknown(f"{type(exc).__name__}: {exc}") from exc
        raise
    finally:
        try:
            connection.close()
        except Exception as exc:  # a failed QUIT changes nothing about the message
            logger.warning("closing the SMTP connection failed: %s", exc)


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
            _hand_over(message)
    except OutcomeUnknown as exc:
        logger.warning("delivery %s: outcome unknown: %s", delivery.pk, exc)
        delivery_outcome_unknown(delivery=delivery, error=str(exc))
        return delivery
    except Exception as exc:  # SMTP down, recipient refused, rendering failed: nothing went out
        logger.warning("delivery %s failed: %s", delivery.pk, exc)
        delivery_fail(delivery=delivery, error=f"{type(exc).__name__}: {exc}")
        return delivery
    delivery_mark_sent(delivery=delivery)
    return delivery


UNKNOWN_NOTE = (
    "The server may have received the message: check the archived email (or ask the requester), "
    "then choose \"It arrived\" or \"Send again\"."
)


def delivery_outcome_unknown(*, delivery: Delivery, error: str) -> None:
    """sending → outcome unknown: no automatic retry, the delivery waits for a person."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("reply__inquiry").get(pk=delivery.pk)
        if locked.status != Delivery.Status.SENDING:
            raise DeliveryError("Only a delivery being sent can have an unknown outcome.", code="status")
        locked.status, locked.last_error, locked.next_attempt_at = Delivery.Status.UNKNOWN, error[:2000], None
        locked.save(update_fields=["status", "last_error", "next_attempt_at"])
        record_event(
            inquiry=locked.reply.inquiry,
            action="delivery.outcome_unknown",
            by=None,
            note=f"{locked.last_error}\n{UNKNOWN_NOTE}",
            data={"reply": locked.reply_id, "delivery": locked.pk, "attempt": locked.attempts},
        )
    delivery.status, delivery.last_error, delivery.next_attempt_at = locked.status, locked.last_error, None


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    if attempts > len(BACKOFF):
        return None
    return now + timedelta(seconds=BACKOFF[attempts - 1])


def delivery_fail(*, delivery: Delivery, error: str) -> None:
    """sending → failed: nothing went out; retried automatically after the back-off."""
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


def delivery_mark_sent(
    *, delivery: Delivery, from_status: str = Delivery.Status.SENDING, by: AbstractBaseUser | None = None
) -> None:
    """sending → sent (the server said so), or outcome unknown → sent (a person checked: `by`)."""
    now = timezone.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=from_status).update(
            status=Delivery.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
        )
        if not updated:
            raise DeliveryError("Only a delivery being sent (or of unknown outcome) can be marked sent.", code="status")
        data = {"reply": delivery.reply_id, "delivery": delivery.pk, "method": delivery.method}
        if by is not None:
            data["confirmed_by"] = by.get_username()
        if delivery.message_id:
            data["message_id"] = delivery.message_id
        if delivery.pdf_sha256:  # the timeline names the PDF that went out (the archive link shows the same hash)
            data["pdf_sha256"] = delivery.pdf_sha256
        inquiry_mark_sent(inquiry=delivery.reply.inquiry, by=by or delivery.created_by, data=data)
        # The desk's memory of the letter: after the commit, and its failure only logged, since
        # the letter went out either way and must not be sent again.
        transaction.on_commit(partial(letter_remember, reply=delivery.reply, sent_at=now), robust=True)
    delivery.status, delivery.sent_at = Delivery.Status.SENT, now


def delivery_bounce(*, delivery: Delivery, reason: str) -> None:
    """The recipient's mail system reported a sent email undeliverable: the delivery is bounced,
    the reason kept on it and in the inquiry's timeline. Not live any more, so the reply may go
    out again (e.g. as a PDF letter)."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("reply__inquiry").get(pk=delivery.pk)
        if locked.status != Delivery.Status.SENT:
            raise DeliveryError("Only a sent delivery can bounce.", code="status")
        locked.status = Delivery.Status.BOUNCED
        locked.last_error = reason[:2000]
        locked.bounced_at = timezone.now()
        locked.save(update_fields=["status", "last_error", "bounced_at"])
        record_event(
            inquiry=locked.reply.inquiry,
            action="delivery.bounced",
            by=None,
            note=locked.last_error,
            data={"reply": locked.reply_id, "delivery": locked.pk},
        )
    delivery.status, delivery.last_error, delivery.bounced_at = locked.status, locked.last_error, locked.bounced_at
