"""Reads for the desk. Each runs a fixed number of queries, whatever the amount of data, and
each query is bounded by an index (open statuses, a date window) rather than the whole table."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Floor
from django.db.models.lookups import Exact
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lib import roles
from lib.statements import replayed
from lib.urls import reverse_each

from .models import OPEN_EXCLUDED, Inquiry, InquiryEvent
from .workflow import add_business_days

CHART_WEEKS = 26
TURNAROUND_DAYS = 90
LIST_SIZE = 10
WEEK_SECONDS = 7 * 24 * 3600
# The history part of the dashboard (closed counts, chart, turnaround) changes slowly and costs
# the most; it is kept this long in the shared cache (Redis in production).
STATS_SECONDS = 120
STATS_VERSION = 1
# `unfinished` is a generated column with its own index: open work is one small index range.
# Written as IN (true): SQLite uses the index for "unfinished IN (1)" but not for a bare "unfinished".
OPEN = Q(unfinished__in=[True])
FINISHED_STATUSES = sorted(OPEN_EXCLUDED)


class SecondsBetween(Func):
    """Seconds from `start` to `end` as a float, in the database's own date arithmetic
    (Django's generic datetime subtraction calls a Python function per row on SQLite)."""

    output_field = FloatField()
    arity = 2

    def _compiled(self, compiler):
        end, start = (compiler.compile(expression) for expression in self.source_expressions)
        return end, start

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError("SecondsBetween supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler, connection, **extra):
        (end, end_params), (start, start_params) = self._compiled(compiler)
        return f"((julianday({end}) - julianday({start})) * 86400.0)", (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra):
        (end, end_params), (start, start_params) = self._compiled(compiler)
        return f"EXTRACT(EPOCH FROM ({end} - {start}))::double precision", (*end_params, *start_params)



def get_inquiry(user: AbstractBaseUser, pk: int, *, act: bool = False) -> Inquiry:
    """The inquiry, with its requester and assignee, if the user may read it (or act on it):
    404 / 403 otherwise."""
    roles.require_role(user, *(roles.CASE_WRITERS if act else roles.CASE_READERS))
    return get_object_or_404(Inquiry.objects.select_related("requester", "assignee", "duplicate_of"), pk=pk)

def open_inquiries() -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(OPEN)


# While we wait on the requester the clock is paused: such an inquiry is neither due soon nor overdue.
RUNNING = OPEN & ~Q(status=Inquiry.Status.WAITING)


def overdue_q(today: dt.date | None = None) -> Q:
    return RUNNING & Q(due_date__lt=today or timezone.localdate())


def due_soon_q(today: dt.date | None = None) -> Q:
    """Due within the warning period (INQUIRY_DUE_WARNING_BUSINESS_DAYS), today included."""
    today = today or timezone.localdate()
    last = add_business_days(today, settings.INQUIRY_DUE_WARNING_BUSINESS_DAYS)
    return RUNNING & Q(due_date__gte=today, due_date__lte=last)


def last_move() -> Subquery:
    """The action of the inquiry's latest status change ("reply.returned"...)."""
    moves = InquiryEvent.objects.filter(inquiry_id=OuterRef("pk")).exclude(to_status="")
    return Subquery(moves.order_by("-created_at", "-id").values("action")[:1])


def with_last_move(queryset: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    """Annotate `last_move` (see last_move())."""
    return queryset.annotate(last_move=last_move())


# The personal views: each a filter of the open inquiries for one user, in the queue (?view=…),
# on the dashboard and counted in the navigation bar.
PERSONAL_VIEWS = {
    "mine": "Mine",
    "review": "Awaiting my review",
    "returned": "Returned to me",
    "unassigned": "Unassigned",
    "due_soon": "Due soon",
    "overdue": "Overdue",
}


def personal_view_q(name: str, user: AbstractBaseUser, today: dt.date) -> Q:
    """The condition of a personal view. `returned` compares last_move() in place rather than
    through the with_last_move annotation: aggregating an annotated queryset (the navigation's
    counts, on every desk page) makes Django wrap it in a subquery, and that costs CPU."""
    if name == "mine":
        return OPEN & Q(assignee=user)
    if name == "review":
        # A reviewer reviews other people's letters, never their own.
        if not roles.has_role(user, roles.REVIEWER):
            return Q(pk__isnull=True)  # nothing; pk__in=[] would empty the whole aggregate
        return Q(status=Inquiry.Status.IN_REVIEW) & ~Q(assignee=user)
    if name == "returned":
        # The person's drafts first: SQLite evaluates the conditions in order, and the subquery
        # then runs for those few rows instead of for every open inquiry.
        return Q(assignee=user, status=Inquiry.Status.DRAFTING) & Q(Exact(last_move(), "reply.returned"))
    if name == "unassigned":
        return OPEN & Q(assignee__isnull=True)
    if name == "due_soon":
        return due_soon_q(today)
    if name == "overdue":
        return overdue_q(today)
    raise ValueError(f"Unknown view: {name}")


def personal_counts(user: AbstractBaseUser) -> dict[str, int]:
    """The count of each personal view, in one query over the open inquiries. It runs on every
    desk page, and building it (six filtered counts, one with a subquery) costs the ORM several
    times what the database spends answering it: built once per person and day (lib.statements)."""
    today = timezone.localdate()
    is_reviewer = roles.has_role(user, roles.REVIEWER)
    key = ("personal_counts", user.pk, is_reviewer, today, settings.INQUIRY_DUE_WARNING_BUSINESS_DAYS)
    return replayed(
        key,
        lambda: open_inquiries().aggregate(
            **{name: Count("id", filter=personal_view_q(name, user, today)) for name in PERSONAL_VIEWS}
        ),
        lambda row: dict(zip(PERSONAL_VIEWS, row, strict=True)),
    )


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
        "research_needed",
    )


def queue_rows(inquiries) -> list[Inquiry]:
    """The queue's rows with what each shows worked out once per page rather than per row in the
    template (a reverse(), a translated label, today's date and a loop each, 50 times a page):
    `url`, `status_label`, `overdue`, `topic_names`, `question_start`, `received_on` and `due_on`."""
    rows = list(inquiries)
    # The topics' names in one query of pairs: a prefetch builds a Topic per link for one name.
    topic_names = defaultdict(list)
    links = Inquiry.topics.through.objects.filter(inquiry_id__in=[row.pk for row in rows]).order_by("topic__name")
    for inquiry_id, name in links.values_list("inquiry_id", "topic__name"):
        topic_names[inquiry_id].append(name)
    today = timezone.localdate()
    labels = {value: str(label) for value, label in Inquiry.Status.choices}
    urls = reverse_each("inquiries:detail", [row.pk for row in rows])
    for inquiry in rows:
        inquiry.url = urls[inquiry.pk]
        inquiry.status_label = labels.get(inquiry.status, inquiry.status)
        inquiry.overdue = inquiry.status not in OPEN_EXCLUDED and inquiry.due_date < today
        inquiry.topic_names = ", ".join(topic_names[inquiry.pk])
        inquiry.question_start = _shortened(inquiry.question, QUESTION_START_CHARS)
        inquiry.received_on = timezone.localtime(inquiry.received_at).date().isoformat()
        inquiry.due_on = inquiry.due_date.isoformat()
    return rows


QUESTION_START_CHARS = 90


def _shortened(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, as the truncatechars filter does
    (without its slower character-by-character walk: a queue page shortens 50 questions)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Week:
    start: dt.date
    received: int
    answered: int


def chart_start(today: dt.date, weeks: int = CHART_WEEKS) -> dt.datetime:
    """Local midnight of the Monday that starts the first of the last `weeks` weeks."""
    monday = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    return dt.datetime.combine(monday, dt.time.min, tzinfo=timezone.get_current_timezone())


def _per_week(field: str, kind: str, start: dt.datetime, end: dt.datetime) -> QuerySet:
    week = Floor(SecondsBetween(F(field), Value(start, output_field=DateTimeField())) / WEEK_SECONDS)
    return (
        Inquiry.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(kind=Value(kind), week=week)
        .values("kind", "week")
        .annotate(n=Count("id"))
        .order_by()
    )


def weekly_chart(today: dt.date) -> list[Week]:
    """Inquiries received and answered (sent) per week, in one grouped query.

    Weeks are 7 × 24 hours from the first Monday's local midnight, so around a daylight
    saving change a boundary is off by an hour; fine for a chart.
    """
    start = chart_start(today)
    end = start + dt.timedelta(weeks=CHART_WEEKS)
    counts = {"r": [0] * CHART_WEEKS, "a": [0] * CHART_WEEKS}
    rows = _per_week("received_at", "r", start, end).union(_per_week("sent_at", "a", start, end), all=True)
    for row in rows:
        week = int(row["week"])
        if 0 <= week < CHART_WEEKS:
            counts[row["kind"]][week] += row["n"]
    return [
        Week(start=(start + dt.timedelta(weeks=i)).date(), received=counts["r"][i], answered=counts["a"][i])
        for i in range(CHART_WEEKS)
    ]


def median_turnaround(now: dt.datetime) -> dt.timedelta | None:
    """Median received → sent of the inquiries sent in the last 90 days: a count, then the
    middle row(s) by offset (both read only the covering sent_at/received_at index)."""
    recent = Inquiry.objects.filter(sent_at__gte=now - dt.timedelta(days=TURNAROUND_DAYS))
    count = recent.count()
    middle = max(count - 1, 0) // 2
    width = 2 if count and count % 2 == 0 else 1
    seconds = SecondsBetween(F("sent_at"), F("received_at"))
    values = list(
        recent.annotate(seconds=seconds).order_by("seconds").values_list("seconds", flat=True)[middle : middle + width]
    )
    if not values:
        return None
    return dt.timedelta(seconds=sum(values) / len(values))


def history_stats(now: dt.datetime) -> dict:
    """Counts of finished inquiries by status, the weekly chart and the median turnaround."""
    today = timezone.localdate(now)
    key = f"inquiries:dashboard-history:v{STATS_VERSION}:{today.isoformat()}"
    stats = cache.get(key)
    if stats is None:
        finished = (
            Inquiry.objects.filter(status__in=FINISHED_STATUSES)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        stats = {
            "finished": dict(finished),
            "weeks": weekly_chart(today),
            "median_turnaround": median_turnaround(now),
            "as_of": now,
        }
        cache.set(key, stats, STATS_SECONDS)
    return stats


@dataclass
class Load:
    user_id: int
    username: str
    open: int
    due_soon: int
    overdue: int


def workload(specialists: QuerySet, today: dt.date) -> list[Load]:
    """Open, due-soon and overdue inquiries of each active specialist (those with none too)."""
    counts = {
        row["assignee_id"]: row
        for row in open_inquiries()
        .filter(assignee__isnull=False)
        .values("assignee_id")
        .annotate(open=Count("id"), due_soon=Count("id", filter=due_soon_q(today)),
                  overdue=Count("id", filter=overdue_q(today)))
        .order_by()
    }
    empty = {"open": 0, "due_soon": 0, "overdue": 0}
    loads = []
    for person in specialists.only("id", "username"):
        row = counts.get(person.pk, empty)
        loads.append(Load(person.pk, person.username, row["open"], row["due_soon"], row["overdue"]))
    return loads


def dashboard(user: AbstractBaseUser) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    history = history_stats(now)
    by_status = {
        **history["finished"],
        **dict(open_inquiries().order_by().values_list("status").annotate(n=Count("id"))),
    }
    summary = personal_counts(user)
    review = list_rows(Inquiry.objects.filter(personal_view_q("review", user, today))).order_by("due_date", "id")
    weeks = history["weeks"]
    by_due = ("due_date", "id")
    return {
        "status_counts": [(value, label, by_status.get(value, 0)) for value, label in Inquiry.Status.choices],
        "total": sum(by_status.values()),
        "summary": summary,
        # Returned replies first: the author has a reviewer's comment to act on. Drafting is tested
        # first so that the last-move subquery runs only for drafts (see personal_view_q).
        "mine": list_rows(with_last_move(open_inquiries().filter(assignee=user))).order_by(
            Case(When(Q(status=Inquiry.Status.DRAFTING) & Q(last_move="reply.returned"), then=Value(0)),
                 default=Value(1)), *by_due
        )[:LIST_SIZE],
        "review": review[:LIST_SIZE] if summary["review"] else [],
        "overdue": list_rows(Inquiry.objects.filter(overdue_q(today))).order_by(*by_due)[:LIST_SIZE],
        "unassigned": list_rows(open_inquiries().filter(assignee__isnull=True)).order_by(*by_due)[:LIST_SIZE],
        "weeks": weeks,
        "chart_peak": max([1, *(w.received for w in weeks), *(w.answered for w in weeks)]),
        "median_turnaround": history["median_turnaround"],
        "stats_as_of": history["as_of"],
    }


def contact_differences(inquiry: Inquiry) -> list[tuple[str, str, str]]:
    """(field label, stored, as typed with this inquiry) for each contact detail that differs."""
    requester = inquiry.requester
    if requester.anonymised_at is not None:
        return []
    rows = []
    for field in ("name", "phone", "country", "role", "language", "consent_to_keep"):
        given = inquiry.contact_given.get(field)
        stored = getattr(requester, field)
        if given not in ("", None) and given != stored:
            label = requester._meta.get_field(field).verbose_name
            rows.append((label, str(stored), str(given)))
    return rows
