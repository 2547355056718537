"""Printing in bulk: many replies' PDFs in one ZIP. Starting an export checks the choice and
queues the rendering task (replies.outbox.bulk_render does the work)."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import BulkExport, Reply
from .sending import DeliveryError
from .tasks import render_bulk_export

BULK_STATUSES = (Reply.Status.APPROVED, Reply.Status.SENT)
MAX_LETTERS = 500


def bulk_export_start(*, reply_ids: Iterable[int], by: AbstractBaseUser) -> BulkExport:
    """A new bulk export of the given replies (approved or sent), rendered after commit."""
    ids = list(dict.fromkeys(int(pk) for pk in reply_ids))
    if not ids:
        raise DeliveryError("Select at least one reply.", code="empty")
    if len(ids) > MAX_LETTERS:
        raise DeliveryError(f"Select at most {MAX_LETTERS} replies at a time.", code="too_many")
    found = set(Reply.objects.filter(pk__in=ids, status__in=BULK_STATUSES).values_list("pk", flat=True))
    if found != set(ids):
        raise DeliveryError("Only approved or sent replies can be printed.", code="status")
    with transaction.atomic():
        export = BulkExport.objects.create(created_by=by, reply_ids=ids, total=len(ids))
        transaction.on_commit(lambda: render_bulk_export.enqueue(export.pk))
    return export
