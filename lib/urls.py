"""URLs for the rows of a page."""

from collections.abc import Iterable

from django.urls import reverse

_PLACEHOLDER = "2147483647"  # a valid <int:...> value, replaced by each id


def reverse_each(viewname: str, ids: Iterable[int], *args) -> dict[int, str]:
    """id → reverse(viewname, args=[*args, id]), with one reverse() for all ids: a page of 50 rows
    would otherwise resolve the same pattern 50 times, and each costs more than the row's markup."""
    head, tail = reverse(viewname, args=[*args, _PLACEHOLDER]).rsplit(_PLACEHOLDER, 1)
    return {pk: f"{head}{pk}{tail}" for pk in ids}
