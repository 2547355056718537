"""The one way views get a reply, a delivery or a bulk export: permission first, then 404."""

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404

from lib import roles

from .models import BulkExport, Delivery, Reply


def _allowed(write: bool) -> tuple[str, ...]:
    return roles.CASE_WRITERS if write else roles.CASE_READERS


def get_reply(user: AbstractBaseUser, pk: int, *, write: bool = False) -> Reply:
    """The reply, if this user may see it (or change or send it): 404 / 403 otherwise."""
    roles.require_role(user, *_allowed(write))
    return get_object_or_404(Reply.objects.select_related("inquiry__requester", "author", "reviewer"), pk=pk)


def get_delivery(user: AbstractBaseUser, pk: int, *, write: bool = False) -> Delivery:
    roles.require_role(user, *_allowed(write))
    return get_object_or_404(Delivery.objects.select_related("reply__inquiry"), pk=pk)


def get_export(user: AbstractBaseUser, pk: int) -> BulkExport:
    roles.require_role(user, *roles.CASE_WRITERS)
    return get_object_or_404(BulkExport.objects.defer("zip"), pk=pk)
