"""The whole purge: the inquiries' part, then the replies' (letters, deliveries, archives, ZIPs).

Retention rule (README.md, "Personal data"): a delivery keeps the letter's text (what we told
the person) without the person: the recipient is replaced, the archived .eml keeps only its
subject, date, sender, Message-ID and bodies, with the person's name, email and phone removed;
the PDF bytes go (their SHA-256 stays as a record); bulk-export ZIPs that hold one of the
letters are deleted; letter titles, blocks, review comments and the desk's memory of answered
questions (AnsweredLetter) lose the person's details.
"""

import datetime as dt
import email
from collections import Counter
from collections.abc import Callable
from email import policy
from email.message import EmailMessage

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from inquiries.services import PURGED_NAME, PurgeReport, requesters_purge

from .models import AnsweredLetter, BulkExport, Delivery, Reply, ReplyBlock
from .outbox.sending import sha256

KEPT_HEADERS = ("Subject", "Date", "From", "Message-ID")


def people_purge(*, closed_before: dt.date, by: AbstractBaseUser | None = None) -> PurgeReport:
    """Purge the requesters whose inquiries are all closed before the date, everywhere, at once."""
    with transaction.atomic():
        report = requesters_purge(closed_before=closed_before, by=by)
        if report.inquiry_ids:
            report.changed.update(replies_purge(inquiry_ids=report.inquiry_ids, redact=report.redact))
    return report


def replies_purge(*, inquiry_ids: list[int], redact: Callable[[str], str]) -> Counter:
    """Remove the person from the replies to these inquiries; returns what changed, by kind."""
    changed: Counter = Counter()
    replies = list(Reply.objects.filter(inquiry_id__in=inquiry_ids))
    for reply in replies:
        reply.title, reply.review_comment = redact(reply.title), redact(reply.review_comment)
    Reply.objects.bulk_update(replies, ["title", "review_comment"], batch_size=500)
    answered = [a for a in AnsweredLetter.objects.filter(reply__in=replies) if _redacted(a, ("question",), redact)]
    AnsweredLetter.objects.bulk_update(answered, ["question"], batch_size=500)
    blocks = [b for b in ReplyBlock.objects.filter(reply__in=replies) if _redacted(b, ("heading", "body"), redact)]
    ReplyBlock.objects.bulk_update(blocks, ["heading", "body"], batch_size=500)
    changed["letter blocks with a name removed"] = len(blocks)
    deliveries = list(Delivery.objects.filter(reply__in=replies))
    for delivery in deliveries:
        changed["archived PDFs deleted"] += delivery.pdf is not None
        changed["archived emails stripped"] += delivery.eml is not None
        _strip_delivery(delivery, redact)
    fields = ["recipient_name", "recipient_email", "last_error", "eml", "eml_sha256", "pdf"]
    Delivery.objects.bulk_update(deliveries, fields, batch_size=200)
    changed["deliveries without recipient"] = len(deliveries)
    reply_ids = {r.pk for r in replies}
    finished = BulkExport.objects.exclude(zip=None).only("pk", "reply_ids")
    exports = [export.pk for export in finished if reply_ids & set(export.reply_ids)]
    changed["bulk-export ZIPs deleted"] = BulkExport.objects.filter(pk__in=exports).update(zip=None, zip_sha256="")
    return changed


def _redacted(instance, fields: tuple[str, ...], redact: Callable[[str], str]) -> bool:
    before = [getattr(instance, f) for f in fields]
    for name in fields:
        setattr(instance, name, redact(getattr(instance, name)))
    return before != [getattr(instance, f) for f in fields]


def _strip_delivery(delivery: Delivery, redact: Callable[[str], str]) -> None:
    delivery.recipient_name, delivery.recipient_email = PURGED_NAME, ""
    delivery.last_error = redact(delivery.last_error)
    if delivery.eml is not None:
        delivery.eml = strip_eml(bytes(delivery.eml), redact)
        delivery.eml_sha256 = sha256(delivery.eml)
    delivery.pdf = None


def strip_eml(data: bytes, redact: Callable[[str], str]) -> bytes:
    """The archived email without its recipient headers and attachments, the person removed
    from the subject and from both bodies."""
    original = email.message_from_bytes(data, policy=policy.default)
    stripped = EmailMessage()
    for header in KEPT_HEADERS:
        if original[header]:
            stripped[header] = redact(str(original[header]))
    text, html = original.get_body(("plain",)), original.get_body(("html",))
    stripped.set_content(redact(text.get_content()) if text is not None else "")
    if html is not None:
        stripped.add_alternative(redact(html.get_content()), subtype="html")
    return stripped.as_bytes()
