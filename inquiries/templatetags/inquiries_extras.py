"""Presentation helpers for inquiry listings (cheaper than an include per row)."""

from django import template

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
