"""Presentation helpers for inquiry listings (cheaper than an include per row)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from inquiries.models import Inquiry
from inquiries.timeline import event_sentence as _event_sentence

register = template.Library()

S = Inquiry.Status
BADGES = {
    S.NEW: "primary",
    S.WAITING: "warning",
    S.SENT: "success",
    S.CLOSED: "success",
    S.CLOSED_WITHOUT_REPLY: "secondary",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap colour of a status badge."""
    return BADGES.get(status, "info")


RESEARCH_BADGE = mark_safe(
    ' <span class="badge text-bg-warning research-needed" title="The library has no information on what was asked">'
    "Research needed</span>"
)


@register.filter
def research_badge(inquiry: Inquiry) -> SafeString | str:
    """The "Research needed" badge, or nothing."""
    return RESEARCH_BADGE if inquiry.research_needed else ""


@register.filter
def event_sentence(event) -> str:
    """A timeline event as a plain sentence in the active language."""
    return _event_sentence(event)
