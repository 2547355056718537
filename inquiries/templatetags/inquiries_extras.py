"""Presentation helpers for inquiry listings (cheaper than an include per row)."""

from django import template

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


@register.filter
def event_sentence(event) -> str:
    """A timeline event as a plain sentence in the active language."""
    return _event_sentence(event)
