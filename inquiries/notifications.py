"""Notifications: written with the event they tell of, emailed (for those who want it) by the
task backend after the transaction commits, each at most once."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lib import roles
from lib.statements import replayed

from .models import InquiryEvent, Notification, NotificationPreference
from .tasks import send_notification_email

Kind = Notification.Kind


def notify(*, users: Iterable[AbstractBaseUser], event: InquiryEvent, kind: str) -> list[Notification]:
    """Tell each user (once per event) about `event`; the actor is never told of their own act.
    Call inside the transaction that wrote the event."""
    recipients = {user.pk for user in users if user is not None and user.is_active and user.pk != event.actor_id}
    if not recipients:
        return []
    rows = [
        Notification(recipient_id=pk, inquiry_id=event.inquiry_id, event=event, kind=kind, created_at=event.created_at)
        for pk in sorted(recipients)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    by_email = set(
        NotificationPreference.objects.filter(user_id__in=recipients, by_email=True).values_list("user_id", flat=True)
    )
    if by_email:
        ids = list(Notification.objects.filter(event=event, recipient_id__in=by_email).values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        send_notification_email.enqueue(pk)


def supervisors() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name=roles.SUPERVISOR).distinct()


def notifications_mark_read(*, user: AbstractBaseUser, inquiry_id: int | None = None) -> int:
    """Mark the user's unread notifications (of one inquiry, or all) read; returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if inquiry_id is not None:
        unread = unread.filter(inquiry_id=inquiry_id)
    return unread.update(read_at=timezone.now())


def notification_preference_set(*, user: AbstractBaseUser, by_email: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"by_email": by_email})
    return preference


def unread_count(user: AbstractBaseUser) -> int:
    """On every desk page (the bell): built once per person (lib.statements)."""
    return replayed(("unread_count", user.pk),
                    lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
                    lambda row: row[0])
