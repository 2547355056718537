"""Presentation helpers for inquiry listings (cheaper than an include per row)."""

from django import template

from inquiries.timeline import event_sentence as _event_sentence

register = template.Library()

BADGES = {
    "new": "primary",
    "waiting": "warning",
    "sent": "success",
    "closed": "success",
    "closed_no_reply": "secondary",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap colour of a status badge."""
    return BADGES.get(status, "info")


@register.filter
def event_sentence(event) -> str:
    """A timeline event as a plain sentence in the active language."""
    return _event_sentence(event)
