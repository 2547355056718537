"""Reads for the desk. Each runs a fixed number of queries, whatever the amount of data."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from .models import OPEN_EXCLUDED, Inquiry

CHART_WEEKS = 26
TURNAROUND_DAYS = 90
LIST_SIZE = 10
OPEN = ~Q(status__in=OPEN_EXCLUDED)


def open_inquiries() -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(OPEN)


def overdue_q(today: dt.date | None = None) -> Q:
    return OPEN & Q(due_date__lt=today or timezone.localdate())


def list_rows(queryset: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    """What a listing shows of each inquiry, in one query."""
    return queryset.select_related("requester", "assignee").only(
        "id",
        "reference",
        "status",
        "channel",
        "received_at",
        "due_date",
        "condition",
        "question",
        "requester__name",
        "assignee__username",
    )


@dataclass
class Week:
    start: dt.date
    received: int
    answered: int


def week_starts(today: dt.date, weeks: int = CHART_WEEKS) -> list[dt.datetime]:
    """Local midnights of the Mondays starting each of the last `weeks` weeks, plus next Monday."""
    monday = today - dt.timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    days = [monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
    return [dt.datetime.combine(day, dt.time.min, tzinfo=tz) for day in days]


def weekly_chart(today: dt.date) -> list[Week]:
    """Inquiries received and answered (sent) per week: two range-bounded aggregate queries."""
    bounds = week_starts(today)

    def buckets(field: str) -> dict[str, int]:
        counts = {
            f"w{i}": Count("id", filter=Q(**{f"{field}__gte": bounds[i], f"{field}__lt": bounds[i + 1]}))
            for i in range(CHART_WEEKS)
        }
        window = {f"{field}__gte": bounds[0], f"{field}__lt": bounds[-1]}
        return Inquiry.objects.filter(**window).aggregate(**counts)

    received, answered = buckets("received_at"), buckets("sent_at")
    return [
        Week(start=bounds[i].date(), received=received[f"w{i}"], answered=answered[f"w{i}"]) for i in range(CHART_WEEKS)
    ]


def median_turnaround(now: dt.datetime, answered: int) -> dt.timedelta | None:
    """Median received → sent over inquiries sent in the last 90 days (one query)."""
    turnaround = ExpressionWrapper(F("sent_at") - F("received_at"), output_field=DurationField())
    middle = max(answered - 1, 0) // 2
    width = 2 if answered and answered % 2 == 0 else 1
    values = list(
        Inquiry.objects.filter(sent_at__gte=now - dt.timedelta(days=TURNAROUND_DAYS))
        .annotate(turnaround=turnaround)
        .order_by("turnaround")
        .values_list("turnaround", flat=True)[middle : middle + width]
    )
    if not values:
        return None
    return sum(values, dt.timedelta()) / len(values)


def dashboard(user: AbstractBaseUser) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    by_status = dict(Inquiry.objects.order_by().values_list("status").annotate(n=Count("id")))
    summary = Inquiry.objects.aggregate(
        overdue=Count("id", filter=overdue_q(today)),
        unassigned=Count("id", filter=OPEN & Q(assignee__isnull=True)),
        mine=Count("id", filter=OPEN & Q(assignee=user)),
        answered_90=Count("id", filter=Q(sent_at__gte=now - dt.timedelta(days=TURNAROUND_DAYS))),
    )
    weeks = weekly_chart(today)
    peak = max([1, *(w.received for w in weeks), *(w.answered for w in weeks)])
    return {
        "status_counts": [(value, label, by_status.get(value, 0)) for value, label in Inquiry.Status.choices],
        "total": sum(by_status.values()),
        "summary": summary,
        "mine": list_rows(open_inquiries().filter(assignee=user)).order_by("due_date", "id")[:LIST_SIZE],
        "overdue": list_rows(Inquiry.objects.filter(overdue_q(today))).order_by("due_date", "id")[:LIST_SIZE],
        "unassigned": list_rows(open_inquiries().filter(assignee__isnull=True)).order_by("due_date", "id")[:LIST_SIZE],
        "weeks": weeks,
        "chart_peak": peak,
        "median_turnaround": median_turnaround(now, summary["answered_90"]),
    }
