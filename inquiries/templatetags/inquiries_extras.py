"""Presentation helpers for inquiry listings (cheaper than an include per row)."""

from django import template

from inquiries.models import Inquiry

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
