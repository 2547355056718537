"""Bulk import of inquiries from an older system (CSV or JSON Lines).

Every row is checked first; one bad row means nothing is imported. Rows are then written
with bulk_create in batches, topics matched by exact name through one dictionary.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from library.models import Topic

from .models import Inquiry, InquiryEvent, Requester, tidy_postal_address
from .services import add_business_days, format_reference, reference_allocate

REQUIRED = ("name", "email", "question", "received_at", "channel")
OPTIONAL = (
    "topic", "status", "sent_at", "waiting_since", "phone", "country", "postal_address", "language", "condition",
)
# An imported inquiry has nobody working on it, so only statuses without an assignee.
S = Inquiry.Status
IMPORT_STATUSES = (S.NEW, S.WAITING, S.SENT, S.CLOSED, S.CLOSED_WITHOUT_REPLY)
BATCH = 2000
QUESTION_MAX = 20000


@dataclass
class Row:
    line: int
    name: str
    email: str
    question: str
    received_at: dt.datetime
    channel: str
    status: str = S.NEW
    sent_at: dt.datetime | None = None
    waiting_since: dt.datetime | None = None
    topic_ids: list[int] = field(default_factory=list)
    phone: str = ""
    country: str = ""
    postal_address: str = ""
    language: str = "en"
    condition: str = ""


class RowError(Exception):
    pass


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, record) for each row of a CSV or JSON Lines file."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.read(1)
        handle.seek(0)
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or first == "{":
            yield from _json_lines(handle)
        else:
            yield from _csv_rows(handle)


def _json_lines(handle) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, {"__error__": f"not valid JSON ({error.msg})"}
            continue
        yield number, record if isinstance(record, dict) else {"__error__": "not a JSON object"}


def _csv_rows(handle) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle)
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        yield 1, {"__error__": f"missing column(s): {', '.join(missing)}"}
        return
    start = reader.line_num + 1
    for record in reader:
        # A quoted value may span lines: report the line the row starts on.
        line, start = start, reader.line_num + 1
        if None in record:
            yield line, {"__error__": "more values than columns"}
            continue
        yield line, record


def _text(record: dict, name: str, max_length: int, required: bool = False) -> str:
    value = record.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RowError(f"{name}: required")
    if len(value) > max_length:
        raise RowError(f"{name}: longer than {max_length} characters")
    return value


def _datetime(record: dict, name: str, required: bool = True) -> dt.datetime | None:
    value = _text(record, name, 40, required=required)
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RowError(f"{name}: not an ISO 8601 date or date-time: {value!r}") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now():
        raise RowError(f"{name}: in the future")
    return parsed


def _choice(record: dict, name: str, choices, default: str | None = None) -> str:
    value = _text(record, name, 30, required=default is None).lower() or default
    if value not in choices:
        raise RowError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    return value


def _postal_address(record: dict) -> str:
    try:
        return tidy_postal_address(_text(record, "postal_address", 500))
    except ValidationError as error:
        raise RowError(f"postal_address: {error.messages[0]}") from None


def _topics(record: dict, topics_by_name: dict[str, int]) -> list[int]:
    names = [n.strip() for n in _text(record, "topic", 2000).split(";") if n.strip()]
    unknown = [n for n in names if n.lower() not in topics_by_name]
    if unknown:
        raise RowError(f"topic: no topic named {', '.join(map(repr, unknown))}")
    return list(dict.fromkeys(topics_by_name[n.lower()] for n in names))


def parse_row(line: int, record: dict, topics_by_name: dict[str, int]) -> Row:
    if "__error__" in record:
        raise RowError(record["__error__"])
    email = _text(record, "email", 254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"email: not a valid address: {email!r}") from None
    row = Row(
        line=line,
        name=_text(record, "name", 200, required=True),
        email=email,
        question=_text(record, "question", QUESTION_MAX, required=True),
        received_at=_datetime(record, "received_at"),
        channel=_choice(record, "channel", Inquiry.Channel.values),
        status=_choice(record, "status", IMPORT_STATUSES, default=S.NEW),
        sent_at=_datetime(record, "sent_at", required=False),
        waiting_since=_datetime(record, "waiting_since", required=False),
        topic_ids=_topics(record, topics_by_name),
        phone=_text(record, "phone", 40),
        country=_text(record, "country", 100),
        postal_address=_postal_address(record),
        language=_choice(record, "language", [code for code, _ in settings.LANGUAGES], default="en"),
        condition=_text(record, "condition", 300),
    )
    if row.sent_at and row.sent_at < row.received_at:
        raise RowError("sent_at: before received_at")
    if row.waiting_since and row.status != S.WAITING:
        raise RowError(f"waiting_since: only for status {S.WAITING.value!r}")
    if row.waiting_since and row.waiting_since < row.received_at:
        raise RowError("waiting_since: before received_at")
    return row


def check_file(path: Path) -> tuple[list[Row], list[tuple[int, str]]]:
    """All rows parsed, and every bad row's (line, reason)."""
    topics_by_name = {name.lower(): pk for pk, name in Topic.objects.values_list("pk", "name").order_by("-pk")}
    rows, errors = [], []
    for line, record in read_records(path):
        if any(isinstance(value, str) and "\x00" in value for value in record.values()):
            errors.append((line, "a NUL character in the row (PostgreSQL cannot store it)"))
            continue
        try:
            rows.append(parse_row(line, record, topics_by_name))
        except RowError as error:
            errors.append((line, str(error)))
    if not rows and not errors:
        errors.append((0, "the file has no rows"))
    return rows, errors


@lru_cache(maxsize=4096)
def _due(day: dt.date, days: int) -> dt.date:
    return add_business_days(day, days)


def _requesters(rows: list[Row]) -> list[Requester]:
    """One requester per email (reusing ours), one per row without an email."""
    emails = sorted({row.email for row in rows if row.email})
    known: dict[str, Requester] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for requester in Requester.objects.filter(email__in=chunk, anonymised_at__isnull=True).order_by("pk"):
            known[requester.email] = requester
    new: list[Requester] = []
    result = []
    for row in rows:
        requester = known.get(row.email) if row.email else None
        if requester is None:
            requester = Requester(
                name=row.name,
                email=row.email,
                phone=row.phone,
                country=row.country,
                postal_address=row.postal_address,
                language=row.language,
            )
            new.append(requester)
            if row.email:
                known[row.email] = requester
        result.append(requester)
    Requester.objects.bulk_create(new, batch_size=BATCH)
    return result


def _references(rows: list[Row]) -> list[str]:
    years = [timezone.localtime(row.received_at).year for row in rows]
    next_number = {year: reference_allocate(year=year, count=years.count(year)) for year in sorted(set(years))}
    references = []
    for year in years:
        references.append(format_reference(year, next_number[year]))
        next_number[year] += 1
    return references


def _inquiry(row: Row, requester: Requester, reference: str, days: int, now: dt.datetime) -> Inquiry:
    closed = row.status in (S.CLOSED, S.CLOSED_WITHOUT_REPLY)
    return Inquiry(
        reference=reference,
        requester=requester,
        channel=row.channel,
        question=row.question,
        condition=row.condition,
        language=row.language,
        status=row.status,
        received_at=row.received_at,
        due_date=_due(timezone.localdate(row.received_at), days),
        sent_at=row.sent_at,
        closed_at=(row.sent_at or row.received_at) if closed else None,
        # Without the old system's date the wait starts now: the requester is reminded and the
        # inquiry closed by desk_tick counting from the import, not from an unknown past.
        waiting_since=(row.waiting_since or now) if row.status == S.WAITING else None,
    )


def import_rows(rows: list[Row]) -> list[int]:
    """Write the checked rows in one transaction; returns the new inquiries' ids in file order."""
    days = settings.INQUIRY_DUE_BUSINESS_DAYS
    now = timezone.now()
    Link = Inquiry.topics.through
    with transaction.atomic():
        requesters = _requesters(rows)
        references = _references(rows)
        inquiries = [
            _inquiry(r, req, ref, days, now) for r, req, ref in zip(rows, requesters, references, strict=True)
        ]
        Inquiry.objects.bulk_create(inquiries, batch_size=BATCH)
        links = [Link(inquiry_id=i.pk, topic_id=t) for i, r in zip(inquiries, rows, strict=True) for t in r.topic_ids]
        Link.objects.bulk_create(links, batch_size=BATCH)
        events = [
            InquiryEvent(
                inquiry_id=i.pk,
                action="inquiry.created",
                to_status=i.status,
                created_at=now,
                data={"channel": i.channel, "imported": True, "line": r.line},
            )
            for i, r in zip(inquiries, rows, strict=True)
        ]
        InquiryEvent.objects.bulk_create(events, batch_size=BATCH)
    return [inquiry.pk for inquiry in inquiries]
