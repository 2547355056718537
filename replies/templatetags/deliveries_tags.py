from django import template

from replies.models import Delivery

register = template.Library()


@register.simple_tag
def deliveries_of(inquiry) -> list[Delivery]:
    """Every delivery of the inquiry's replies, newest first, in one query (no archive bytes)."""
    if inquiry is None:
        return []
    return list(
        Delivery.objects.filter(reply__inquiry=inquiry)
        .select_related("reply", "created_by")
        .defer("eml", "pdf")
        .order_by("-created_at", "-id")
    )
