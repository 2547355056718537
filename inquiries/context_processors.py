"""Template context for every desk page: the navigation bar's counts (personal views, unread notifications)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from lib import roles

from .notifications import unread_count
from .selectors import personal_counts


def desk_counts(request: HttpRequest) -> dict:
    # Lazy: counted (one query) only when a page's navigation shows them.
    if not roles.has_role(request.user, *roles.CASE_READERS):
        return {}
    return {
        "desk_counts": SimpleLazyObject(lambda: personal_counts(request.user)),
        "unread_notifications": SimpleLazyObject(lambda: {"count": unread_count(request.user)}),
    }
