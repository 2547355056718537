"""Deadlines that act: the periodic tick (`manage.py desk_tick`). The clock's pause and resume
are in inquiries.workflow (waiting on the requester) and services.inquiry_requester_replied.

Every step claims its inquiry with a conditional UPDATE before it writes the timeline, so the
tick may run as often as cron likes, from several machines at once: each warning, escalation,
reminder and closing happens once. The rules come from settings (INQUIRY_DUE_WARNING_BUSINESS_DAYS,
INQUIRY_WAITING_REMINDER_DAYS, INQUIRY_WAITING_CLOSE_DAYS).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Inquiry, Notification
from .notifications import notify, supervisors
from .selectors import due_soon_q, overdue_q
from .tasks import send_waiting_reminder
from .workflow import IllegalTransition, inquiry_transition, record_event

S = Inquiry.Status


@dataclass
class TickResult:
    warned: int = 0
    escalated: int = 0
    reminded: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return f"warned {self.warned}, escalated {self.escalated}, reminded {self.reminded}, closed {self.closed}"


def _claim(inquiry_id: int, unless: Q, **values) -> bool:
    """Set `values` on the inquiry unless another run already did (`unless` then matches)."""
    return bool(Inquiry.objects.filter(pk=inquiry_id).exclude(unless).update(**values))


def _warn(inquiry: Inquiry) -> bool:
    with transaction.atomic():
        if not _claim(inquiry.pk, Q(warned_for=F("due_date")), warned_for=inquiry.due_date):
            return False
        event = record_event(
            inquiry=inquiry,
            action="inquiry.due_soon",
            by=None,
            data={"due_date": inquiry.due_date.isoformat(), "assignee": inquiry.assignee.get_username()},
        )
        notify(users=[inquiry.assignee], event=event, kind=Notification.Kind.DUE_SOON)
    return True


def _escalate(inquiry: Inquiry) -> bool:
    with transaction.atomic():
        if not _claim(inquiry.pk, Q(escalated_for=F("due_date")), escalated_for=inquiry.due_date):
            return False
        event = record_event(
            inquiry=inquiry, action="inquiry.escalated", by=None, data={"due_date": inquiry.due_date.isoformat()}
        )
        notify(users=[*supervisors(), inquiry.assignee], event=event, kind=Notification.Kind.OVERDUE)
    return True


def _remind(inquiry: Inquiry, now: dt.datetime) -> bool:
    with transaction.atomic():
        if not _claim(inquiry.pk, Q(requester_reminded_at__isnull=False), requester_reminded_at=now):
            return False
        record_event(inquiry=inquiry, action="inquiry.requester_reminded", by=None,
                     data={"days": settings.INQUIRY_WAITING_REMINDER_DAYS})
        transaction.on_commit(lambda: send_waiting_reminder.enqueue(inquiry.pk))
    return True


def _close_unanswered(inquiry: Inquiry) -> bool:
    try:
        inquiry_transition(
            inquiry=inquiry,
            to=S.CLOSED_WITHOUT_REPLY,
            by=None,
            action="inquiry.no_answer_closed",
            data={"reason": Inquiry.CloseReason.NO_ANSWER, "days": settings.INQUIRY_WAITING_CLOSE_DAYS},
            close_reason=Inquiry.CloseReason.NO_ANSWER,
        )
    except IllegalTransition:
        return False  # someone moved it meanwhile (the requester answered, a person closed it)
    return True


def desk_tick(*, now: dt.datetime | None = None) -> TickResult:
    """Warn before due dates, escalate overdue inquiries, remind and finally close requesters
    who do not answer. Safe to run again at any time: it does each thing once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = TickResult()
    with_people = Inquiry.objects.select_related("assignee")
    due_soon = with_people.filter(due_soon_q(today), assignee__isnull=False).exclude(warned_for=F("due_date"))
    result.warned = sum(_warn(inquiry) for inquiry in due_soon)
    overdue = with_people.filter(overdue_q(today)).exclude(escalated_for=F("due_date"))
    result.escalated = sum(_escalate(inquiry) for inquiry in overdue)
    waiting = Inquiry.objects.filter(status=S.WAITING, waiting_since__isnull=False)
    close_before = now - dt.timedelta(days=settings.INQUIRY_WAITING_CLOSE_DAYS)
    result.closed = sum(_close_unanswered(inquiry) for inquiry in waiting.filter(waiting_since__lte=close_before))
    remind_before = now - dt.timedelta(days=settings.INQUIRY_WAITING_REMINDER_DAYS)
    # Only an email reminds by itself; a requester without one is called by a person.
    to_remind = waiting.filter(waiting_since__lte=remind_before, requester_reminded_at__isnull=True).exclude(
        requester__email=""
    ).filter(requester__anonymised_at__isnull=True)
    result.reminded = sum(_remind(inquiry, now) for inquiry in to_remind)
    return result
