"""The timeline in plain sentences, in the reader's language.

Every event is stored with a dotted action name and data (the audit record); this turns one
into a sentence for people. The replies app writes its events through inquiries' record_event,
so their wording lives here too: one place for every sentence of the timeline.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Inquiry, InquiryEvent

SENTENCES = {
    "inquiry.created": gettext_lazy("{actor} recorded the inquiry, received by {channel}."),
    "inquiry.created.public": gettext_lazy("The inquiry arrived by {channel}."),
    "inquiry.taken": gettext_lazy("{actor} took the inquiry."),
    "inquiry.assigned": gettext_lazy("{actor} assigned the inquiry to {assignee}."),
    "inquiry.reassigned": gettext_lazy("{actor} gave the inquiry to {assignee} (it was {previous}'s)."),
    "inquiry.released": gettext_lazy("{actor} gave the inquiry back to the unassigned pile."),
    "inquiry.waiting": gettext_lazy("{actor} asked the requester something; the clock stops until they answer."),
    "inquiry.closed_no_reply": gettext_lazy("{actor} closed the inquiry without reply: {reason}."),
    "inquiry.closed_duplicate": gettext_lazy(
        "{actor} closed the inquiry without reply: a duplicate of {duplicate_of}."
    ),
    "inquiry.reopened": gettext_lazy("{actor} reopened the inquiry."),
    "inquiry.note": gettext_lazy("{actor} added an internal note."),
    "inquiry.topics_changed": gettext_lazy("{actor} changed the topics from {before} to {after}."),
    "inquiry.attached": gettext_lazy("{actor} attached {file}."),
    "inquiry.moved": gettext_lazy("{actor} moved the inquiry from {from_status} to {to_status}."),
    "inquiry.due_soon": gettext_lazy("The inquiry is due on {due_date}: a reminder went to {assignee}."),
    "inquiry.escalated": gettext_lazy("The inquiry was due on {due_date} and is overdue: the supervisors were told."),
    "inquiry.requester_reminded": gettext_lazy("The requester was reminded that we are waiting for their answer."),
    "inquiry.no_answer_closed": gettext_lazy("The inquiry was closed: no answer from the requester."),
    "inquiry.requester_replied": gettext_lazy("The requester wrote back."),
    "inquiry.resumed": gettext_lazy("The clock runs again; the inquiry is now due on {due_date}."),
    "inquiry.merged_into": gettext_lazy("{actor} merged this inquiry into {other}."),
    "inquiry.merged_from": gettext_lazy("{actor} merged {other} into this inquiry."),
    "requester.purged": gettext_lazy("The requester's contact details were removed."),
    "reply.started": gettext_lazy("{actor} started a reply."),
    "reply.block_added": gettext_lazy("{actor} added a block to the reply."),
    "reply.block_removed": gettext_lazy("{actor} removed a block from the reply."),
    "reply.block_refreshed": gettext_lazy("{actor} updated a copied section from the library."),
    "reply.submitted": gettext_lazy("{actor} asked for a review of the reply."),
    "reply.approved": gettext_lazy("{actor} approved the reply."),
    "reply.returned": gettext_lazy("{actor} returned the reply to its author."),
    "reply.ready": gettext_lazy("{actor} marked the reply ready to send."),
    "reply.reopened": gettext_lazy("{actor} reopened the reply for changes."),
    "reply.sending": gettext_lazy("The reply is on its way."),
    "reply.sent": gettext_lazy("The reply was sent {method}."),
    "reply.sent.pdf": gettext_lazy("The reply was sent {method}; the PDF that went out has SHA-256 {pdf_sha256}."),
    "delivery.queued": gettext_lazy("{actor} sent the reply ({method})."),
    "delivery.failed": gettext_lazy("Sending the reply failed (attempt {attempt})."),
    "delivery.bounced": gettext_lazy("The requester's mail system reported the reply undeliverable."),
    "inquiry.attachments_refused": gettext_lazy("Attachments of the email were not kept: {refused}."),
    "delivery.retried": gettext_lazy("Sending the reply is tried again."),
    "delivery.downloaded": gettext_lazy(
        "{actor} downloaded the archived copy of what was sent ({kind}, SHA-256 {sha256})."
    ),
}
METHODS = {"email": gettext_lazy("by email"), "letter": gettext_lazy("as a printed letter")}
NOBODY = gettext_lazy("nobody")


def _status(value: str) -> str:
    return str(Inquiry.Status(value).label) if value in Inquiry.Status.values else value


def _label(choices, value: str) -> str:
    return str(choices(value).label).lower() if value in choices.values else value


def _names(values) -> str:
    return ", ".join(values) if values else str(NOBODY)


def _key(event: InquiryEvent) -> str:
    data = event.data or {}
    if event.action == "inquiry.created" and event.actor_id is None:
        return "inquiry.created.public"
    if event.action == "inquiry.assigned":
        return "inquiry.taken" if data.get("taken") else "inquiry.reassigned" if data.get("previous") else event.action
    if event.action == "inquiry.closed_no_reply" and data.get("duplicate_of"):
        return "inquiry.closed_duplicate"
    if event.action == "reply.sent" and data.get("pdf_sha256"):
        return "reply.sent.pdf"
    if event.action not in SENTENCES and event.from_status and event.to_status:
        return "inquiry.moved"
    return event.action


def _fields(event: InquiryEvent) -> dict:
    data = event.data or {}
    fields = {key: value for key, value in data.items() if isinstance(value, str | int)}
    fields.update(
        actor=event.actor.get_username() if event.actor_id else _("The desk"),
        from_status=_status(event.from_status),
        to_status=_status(event.to_status),
        channel=_label(Inquiry.Channel, data.get("channel", "")),
        reason=_label(Inquiry.CloseReason, data.get("reason", "")),
        method=str(METHODS.get(data.get("method"), data.get("method", ""))),
        refused=_names(data.get("refused")),
        before=_names(data.get("before")),
        after=_names(data.get("after")),
    )
    return fields


def event_sentence(event: InquiryEvent) -> str:
    """One event as a sentence in the active language; an action nobody worded yet by its name."""
    template = SENTENCES.get(_key(event))
    if template is None:
        return event.action
    try:
        return str(template).format(**_fields(event))
    except (KeyError, IndexError, ValueError):
        # Older events may lack a field the sentence names: say what happened without it.
        return event.action
