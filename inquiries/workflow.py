"""The inquiry status workflow: which moves are legal, and the one function that makes them.

Every status change goes through `inquiry_transition`, which locks the row, checks the
move, saves with update_fields and writes the timeline event in the same transaction.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import Inquiry, InquiryEvent

S = Inquiry.Status
CLOSED_STATUSES = (S.CLOSED, S.CLOSED_WITHOUT_REPLY)

ALLOWED_MOVES: dict[str, set[str]] = {
    S.NEW: {S.ASSIGNED, S.WAITING, S.CLOSED_WITHOUT_REPLY},
    S.ASSIGNED: {S.NEW, S.DRAFTING, S.WAITING, S.CLOSED_WITHOUT_REPLY},
    S.DRAFTING: {S.ASSIGNED, S.IN_REVIEW, S.READY, S.WAITING, S.CLOSED_WITHOUT_REPLY},
    S.IN_REVIEW: {S.DRAFTING, S.READY},
    S.READY: {S.DRAFTING, S.SENT},
    S.SENT: {S.CLOSED, S.DRAFTING},
    S.WAITING: {S.NEW, S.ASSIGNED, S.DRAFTING, S.CLOSED_WITHOUT_REPLY},
    S.CLOSED: {S.ASSIGNED, S.NEW},  # reopening
    S.CLOSED_WITHOUT_REPLY: {S.ASSIGNED, S.NEW},  # reopening
}


class IllegalTransition(Exception):
    """A status change that the workflow does not allow; nothing was changed."""

    def __init__(self, inquiry: Inquiry, to: str):
        self.inquiry = inquiry
        self.to = to
        super().__init__(f"{inquiry.reference} cannot move from {S(inquiry.status).label} to {S(to).label}.")


def add_business_days(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    days = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_MOVES.get(from_status, set())


def record_event(
    *,
    inquiry: Inquiry,
    action: str,
    by: AbstractBaseUser | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> InquiryEvent:
    """Append one entry to the inquiry's timeline."""
    return InquiryEvent.objects.create(
        inquiry=inquiry,
        action=action,
        actor=by if by is not None and by.is_authenticated else None,
        note=note,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def _clock_changes(inquiry: Inquiry, from_status: str, to: str, now: dt.datetime) -> dict[str, Any]:
    """Waiting on the requester stops the deadline clock; leaving it moves the due date on by
    the business days spent waiting."""
    if to == S.WAITING:
        return {"waiting_since": now, "requester_reminded_at": None}
    if from_status != S.WAITING:
        return {}
    changes: dict[str, Any] = {"waiting_since": None}
    if inquiry.waiting_since is not None and to not in CLOSED_STATUSES:
        paused = business_days_between(timezone.localdate(inquiry.waiting_since), timezone.localdate(now))
        if paused:
            changes["due_date"] = add_business_days(inquiry.due_date, paused)
    return changes


def inquiry_transition(
    *,
    inquiry: Inquiry,
    to: str,
    by: AbstractBaseUser | None,
    note: str = "",
    action: str | None = None,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Inquiry:
    """Move the inquiry to status `to`, with any other field `changes`, and log it.

    Raises IllegalTransition (and changes nothing) when the move is not allowed from
    the status the inquiry has in the database right now.
    """
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if not can_move(locked.status, to):
            raise IllegalTransition(locked, to)
        from_status = locked.status
        locked.status = to
        now = timezone.now()
        if to == S.SENT:
            changes.setdefault("sent_at", now)
        if to in CLOSED_STATUSES:
            changes.setdefault("closed_at", now)
        elif from_status in CLOSED_STATUSES:
            changes.setdefault("closed_at", None)
            changes.setdefault("close_reason", "")
        changes.update(_clock_changes(locked, from_status, to, now))
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "updated_at", *changes])
        record_event(
            inquiry=locked,
            action=action or f"inquiry.{to}",
            by=by,
            note=note,
            from_status=from_status,
            to_status=to,
            data=data,
        )
        if "due_date" in changes and from_status == S.WAITING:
            record_event(inquiry=locked, action="inquiry.resumed", by=None,
                         data={"due_date": locked.due_date.isoformat()})
    for field in ("status", "updated_at", *changes):
        setattr(inquiry, field, getattr(locked, field))
    return inquiry
