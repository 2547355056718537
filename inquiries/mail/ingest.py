"""Writes for mail that arrives: a new inquiry from an email, a requester's message added to an
inquiry, and the record of every Message-ID taken in (so the same message twice changes nothing).

The caller (replies' inbox, which also knows our own outgoing Message-IDs and the deliveries
bounces refer to) runs each message in one transaction: a message is taken whole or not at all.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ..attachments import validate_attachment
from ..models import IncomingMessage, Inquiry
from ..services import inquiry_attach, inquiry_create, inquiry_requester_replied
from ..tasks import send_confirmation
from ..workflow import record_event
from .parse import IncomingMail

NAME_MAX = 200


def mail_seen(message_id: str) -> str | None:
    """None for a message not taken in before; else the reference of its inquiry ("" if none)."""
    found = IncomingMessage.objects.filter(message_id=message_id).values_list("inquiry__reference", flat=True)[:1]
    return next((reference or "" for reference in found), None)


def mail_record(
    *, mail: IncomingMail, outcome: str, reason: str = "", inquiry: Inquiry | None = None
) -> IncomingMessage:
    """Remember the message; raises IntegrityError when another process took it meanwhile."""
    return IncomingMessage.objects.create(
        message_id=mail.message_id, outcome=outcome, reason=reason[:300], inquiry=inquiry
    )


def mail_thread(mail: IncomingMail, *, also: Iterable[Inquiry] = ()) -> Inquiry | None:
    """The inquiry a message belongs to: our reference in its subject, or a message of the thread
    we took in before; `also` are the caller's further candidates (by our own Message-IDs)."""
    if mail.reference:
        inquiry = Inquiry.objects.filter(reference=mail.reference).select_related("requester").first()
        if inquiry is not None:
            return inquiry
    if mail.references:
        earlier = (
            IncomingMessage.objects.filter(message_id__in=mail.references, inquiry__isnull=False)
            .select_related("inquiry__requester")
            .first()
        )
        if earlier is not None:
            return earlier.inquiry
    return next(iter(also), None)


def _file(*, inquiry: Inquiry, mail: IncomingMail, outcome: str) -> None:
    """Keep the attachments the upload rules allow (the refused ones named in the timeline) and
    remember the message."""
    refused = []
    for item in mail.attachments:
        try:
            validate_attachment(name=item.name, size=len(item.data))
        except ValidationError as error:
            refused.append(f"{item.name}: {error.messages[0]}")
            continue
        upload = SimpleUploadedFile(item.name, item.data, content_type=item.content_type)
        inquiry_attach(inquiry=inquiry, upload=upload, by=None)
    if refused:
        record_event(inquiry=inquiry, action="inquiry.attachments_refused", by=None, data={"refused": refused})
    mail_record(mail=mail, outcome=outcome, inquiry=inquiry)


def _requester_name(mail: IncomingMail) -> str:
    return (mail.from_name or mail.from_email.partition("@")[0] or "Unknown sender")[:NAME_MAX]


def _question(mail: IncomingMail) -> str:
    # The subject often names the condition ("Question about scleromyxedema"): keep it with the text.
    return "\n\n".join(part for part in (mail.subject, mail.text) if part)


def mail_open_inquiry(*, mail: IncomingMail) -> Inquiry:
    """A new inquiry from an email, acknowledged like one from the web form once committed."""
    with transaction.atomic(savepoint=False):  # inside the inbox's transaction: whole or nothing anyway
        inquiry = inquiry_create(
            name=_requester_name(mail), email=mail.from_email, question=_question(mail), channel=Inquiry.Channel.EMAIL
        )
        _file(inquiry=inquiry, mail=mail, outcome=IncomingMessage.Outcome.NEW)
    transaction.on_commit(lambda: send_confirmation.enqueue(inquiry.pk))
    return inquiry


def mail_append(*, inquiry: Inquiry, mail: IncomingMail) -> Inquiry:
    """The requester wrote again: the message joins the timeline; waiting on them ends."""
    with transaction.atomic(savepoint=False):  # inside the inbox's transaction: whole or nothing anyway
        data = {"message_id": mail.message_id, "subject": mail.subject, "channel": Inquiry.Channel.EMAIL}
        if mail.from_email != inquiry.requester.email:
            data["other_sender"] = True  # threaded by the subject or a reply to a forwarded letter
        inquiry_requester_replied(inquiry=inquiry, note=mail.text, data=data)
        _file(inquiry=inquiry, mail=mail, outcome=IncomingMessage.Outcome.APPENDED)
    return inquiry
