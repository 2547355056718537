"""Figures for supervisors: volume, turnaround and punctuality by month, topic, channel,
requester role, language and specialist, over the inquiries received in a period.

Everything is computed by the database: per dimension one grouped aggregate and one window
query for the percentiles, so a report costs the same number of queries at 1,000 and at
100,000 inquiries. Local days and months come from `LocalDate`: Django's own
time-zone conversions call Python once per row on SQLite.

Percentiles are nearest-rank: the value at rank ⌈p·n⌉ of the n answered inquiries sorted by
turnaround (the median of 1, 3, 8, 10 days is 3 days).
"""

import csv
import datetime as dt
import io
import math
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import CharField, Count, F, FloatField, Func, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from openpyxl import Workbook

from lib.spreadsheet import cell

from .models import Inquiry, Requester
from .selectors import SecondsBetween

DAY_SECONDS = 86400
# dimension → (label, the expression grouped by; the month's depends on the period)
DIMENSIONS = {
    "month": ("Month", None),
    "topic": ("Topic", F("topics__name")),
    "channel": ("Channel", F("channel")),
    "role": ("Requester role", F("requester__role")),
    "language": ("Language", F("language")),
    "specialist": ("Specialist", F("assignee__username")),
}
PERCENTILES = {"median": 0.5, "p90": 0.9}
COLUMNS = ["dimension", "group", "received", "answered", "median_days", "p90_days", "on_time_rate"]


@dataclass
class Row:
    dimension: str
    group: str
    received: int
    answered: int
    median_days: float | None
    p90_days: float | None
    on_time_rate: float | None  # answered by the due date, of those answered

    def as_list(self) -> list:
        return [getattr(self, column) for column in COLUMNS]

    def as_dict(self) -> dict:
        return asdict(self)


def received_between(date_from: dt.date, date_to: dt.date) -> QuerySet[Inquiry]:
    """The inquiries received from `date_from` to `date_to`, both included, in local days."""
    start, end = _period(date_from, date_to)
    return Inquiry.objects.filter(received_at__gte=start, received_at__lt=end)


def _period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants the period starts and ends (exclusive), in local days."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _utc_offsets(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """(since, UTC offset in seconds) of the current time zone from `start` to `end`: the first
    offset, then each change, found day by day and to the second by bisection."""
    zone = timezone.get_current_timezone()

    def offset(seconds: int) -> int:
        return int(dt.datetime.fromtimestamp(seconds, zone).utcoffset().total_seconds())

    first, last, day = int(start.timestamp()), int(end.timestamp()), 86400
    changes = [(first, offset(first))]
    for moment in range(first, last, day):
        while offset(moment + day) != changes[-1][1]:
            low, high = max(moment, changes[-1][0]), moment + day  # the change is in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == changes[-1][1] else (low, middle)
            changes.append((high, offset(high)))
    return [(dt.datetime.fromtimestamp(seconds, dt.UTC), value) for seconds, value in changes]


class LocalDate(TruncDate):
    """TruncDate for instants from `start` to `end`. On SQLite the zone's UTC offsets over that
    time are written into the query instead of a Python call per row; elsewhere TruncDate."""

    def __init__(self, expression, start: dt.datetime, end: dt.datetime):
        super().__init__(expression)
        self.offsets = _utc_offsets(start, end)

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.lhs)
        branches, branch_params = [], []
        for (since, _), (_, before) in zip(self.offsets[1:], self.offsets, strict=False):
            branches.append(f"WHEN {column} < %s THEN %s")
            branch_params += [*params, connection.ops.adapt_datetimefield_value(since), f"{before} seconds"]
        default = f"{self.offsets[-1][1]} seconds"
        if not branches:
            return f"date({column}, %s)", (*params, default)
        return (f"date({column}, CASE {' '.join(branches)} ELSE %s END)",
                (*params, *branch_params, default))


class LocalMonth(Func):
    """The month ("2026-03") of a LocalDate."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError("LocalMonth supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


def _label(dimension: str, value) -> str:
    if value is None:
        return {"topic": "(no topic)", "specialist": "(unassigned)"}.get(dimension, "—")
    names = {"channel": dict(Inquiry.Channel.choices), "role": dict(Requester.Role.choices),
             "language": dict(settings.LANGUAGES)}.get(dimension, {})
    return str(names.get(value, value))


def _counts(inquiries: QuerySet, key, sent_day: LocalDate) -> dict:
    # No DISTINCT needed: the topics join gives an inquiry one row per topic, so once per group.
    answered = Q(sent_at__isnull=False)
    return {
        row["key"]: row
        for row in inquiries.annotate(key=key)
        .values("key")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & LessThanOrEqual(sent_day, F("due_date"))),
        )
        .order_by()
    }


def _percentiles(inquiries: QuerySet, key) -> dict:
    """key → {"median": seconds, "p90": seconds}: the rows at ranks ⌈p·n⌉ of each group, picked
    by window functions in the database. The rank is compared (⌈x⌉ = r when r - 1 < x ≤ r), not
    rounded: SQLite's CEILING is a Python function called for every row."""
    ranked = (
        inquiries.filter(sent_at__isnull=False)
        .annotate(key=key, seconds=SecondsBetween(F("sent_at"), F("received_at")))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("key")], order_by=[F("seconds").asc(), F("id").asc()]),
            size=Window(Count("id"), partition_by=[F("key")]),
        )
        .annotate(**{f"at_{name}": F("size") * Value(p, output_field=FloatField()) for name, p in PERCENTILES.items()})
        .order_by()
    )
    wanted = Q()
    for name in PERCENTILES:
        wanted |= Q(**{f"at_{name}__lte": F("rank"), f"at_{name}__gt": F("rank") - 1})
    found: dict = {}
    for row in ranked.filter(wanted).values("key", "seconds", "rank", "size"):
        for name, p in PERCENTILES.items():
            if math.ceil(row["size"] * p) == row["rank"]:
                found.setdefault(row["key"], {})[name] = row["seconds"]
    return found


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / DAY_SECONDS, 1)


def report_rows(date_from: dt.date, date_to: dt.date, dimensions=tuple(DIMENSIONS)) -> list[Row]:
    """Every figure of the report, dimension by dimension, groups in order."""
    inquiries = received_between(date_from, date_to)
    # Answers come after the question and before now (or a day after, against clock skew).
    start, end = _period(date_from, date_to)
    sent_day = LocalDate("sent_at", start, max(end, timezone.now()) + dt.timedelta(days=1))
    rows = []
    for dimension in dimensions:
        key = LocalMonth(LocalDate("received_at", start, end)) if dimension == "month" else DIMENSIONS[dimension][1]
        counts = _counts(inquiries, key, sent_day)
        percentiles = _percentiles(inquiries, key)
        groups = sorted(counts, key=lambda value: (value is None, value))
        for value in groups:
            figures = counts[value]
            spread = percentiles.get(value, {})
            rows.append(
                Row(
                    dimension=dimension,
                    group=_label(dimension, value),
                    received=figures["received"],
                    answered=figures["answered"],
                    median_days=_days(spread.get("median")),
                    p90_days=_days(spread.get("p90")),
                    on_time_rate=round(figures["on_time"] / figures["answered"], 3) if figures["answered"] else None,
                )
            )
    return rows


def _cells(row: Row) -> list:
    return [cell(value) if isinstance(value, str) else value for value in row.as_list()]


def rows_csv(rows: list[Row], *, bom: bool) -> str:
    """The rows as CSV; with the byte-order mark Excel reads the file as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(_cells(row) for row in rows)
    return buffer.getvalue()


def rows_xlsx(rows: list[Row]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Report")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
