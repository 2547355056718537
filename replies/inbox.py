"""The desk's mailbox: each incoming message opens an inquiry, joins one, reports a bounce of a
delivery, or is ignored with a reason. import_mail and fetch_mail both take mail through here.

It lives in replies because it needs both sides: inquiries parses and files the requester's
mail (inquiries.mail), and only replies knows our outgoing Message-IDs (for threading and loop
protection) and the deliveries a bounce reports on.
"""

import logging
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from inquiries.mail.ingest import mail_append, mail_open_inquiry, mail_record, mail_seen, mail_thread
from inquiries.mail.parse import IncomingMail, parse_mail
from inquiries.models import IncomingMessage, Inquiry

from .models import Delivery

logger = logging.getLogger(__name__)
Outcome = IncomingMessage.Outcome


@dataclass(frozen=True)
class Taken:
    """What became of one message, as the commands print it."""

    message_id: str
    outcome: str  # new, appended, bounced, duplicate or ignored
    reference: str = ""
    reason: str = ""

    def line(self) -> str:
        target = f"{self.reference} " if self.reference else ""
        detail = f"{self.outcome}: {self.reason}" if self.reason else self.outcome
        return f"{self.message_id} -> {target}({detail})"


def our_addresses() -> set[str]:
    senders = (settings.DEFAULT_FROM_EMAIL, settings.REPLY_TO_EMAIL, settings.SERVER_EMAIL)
    return {parseaddr(sender)[1].lower() for sender in senders} - {""}


def _ignore_reason(mail: IncomingMail) -> str:
    if mail.too_large:
        return f"larger than {settings.MAIL_MAX_BYTES // (1024 * 1024)} MB"
    # Loop protection: what we sent (a letter, an acknowledgement) never comes back in as a question.
    if mail.from_email in our_addresses() or Delivery.objects.filter(message_id=mail.message_id).exists():
        return "our own message"
    return mail.auto_reason


def _ignored(mail: IncomingMail, reason: str, inquiry: Inquiry | None = None) -> Taken:
    mail_record(mail=mail, outcome=Outcome.IGNORED, reason=reason, inquiry=inquiry)
    logger.info("Mail %s ignored: %s", mail.message_id, reason)
    return Taken(mail.message_id, "ignored", inquiry.reference if inquiry else "", reason)


def _take_bounce(mail: IncomingMail) -> Taken:
    bounce = mail.bounce
    ids = [found for found in (bounce.original_message_id, *mail.references) if found]
    delivery = Delivery.objects.filter(message_id__in=ids).select_related("reply__inquiry").first()
    if delivery is None:
        return _ignored(mail, "a delivery report on no message of ours")
    inquiry = delivery.reply.inquiry
    if not bounce.failed:
        return _ignored(mail, "a delivery report that is not a failure", inquiry)
    if delivery.status != Delivery.Status.SENT:
        return _ignored(mail, f"a bounce of a delivery that is {delivery.get_status_display().lower()}", inquiry)
    # Imported here: sending brings WeasyPrint (over a second to load), which taking in a
    # question never needs. No cycle: nothing under outbox imports the inbox.
    from .outbox.sending import delivery_bounce

    delivery_bounce(delivery=delivery, reason=bounce.reason)
    # The diagnostic names the address: it stays on the delivery and the timeline, where purging finds it.
    mail_record(mail=mail, outcome=Outcome.BOUNCE, reason=f"delivery {delivery.pk}", inquiry=inquiry)
    return Taken(mail.message_id, "bounced", inquiry.reference, bounce.reason)


def _letter_inquiries(mail: IncomingMail):
    """Inquiries whose letters this message answers (In-Reply-To / References name them)."""
    if not mail.references:
        return Inquiry.objects.none()
    found = Inquiry.objects.filter(replies__deliveries__message_id__in=mail.references)
    return found.select_related("requester").distinct()


def _take(mail: IncomingMail) -> Taken:
    seen = mail_seen(mail.message_id)
    if seen is not None:
        return Taken(mail.message_id, "duplicate", seen)
    reason = _ignore_reason(mail)
    if reason:
        return _ignored(mail, reason)
    if mail.bounce is not None:
        return _take_bounce(mail)
    inquiry = mail_thread(mail, also=_letter_inquiries(mail))
    if inquiry is not None:
        mail_append(inquiry=inquiry, mail=mail)
        return Taken(mail.message_id, "appended", inquiry.reference)
    try:
        validate_email(mail.from_email)
    except ValidationError:
        return _ignored(mail, "no valid sender address to answer")
    if not (mail.text or mail.subject):
        return _ignored(mail, "no text")
    inquiry = mail_open_inquiry(mail=mail)
    return Taken(mail.message_id, "new", inquiry.reference)


def mail_take(raw: bytes) -> Taken:
    """Take one message whole, in one transaction: never half an inquiry."""
    mail = parse_mail(raw, max_bytes=settings.MAIL_MAX_BYTES)
    try:
        with transaction.atomic():
            return _take(mail)
    except IntegrityError:
        # Another process recorded the same Message-ID between our check and our write.
        seen = mail_seen(mail.message_id)
        if seen is None:
            raise
        return Taken(mail.message_id, "duplicate", seen)
