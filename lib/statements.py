"""Reads that run on every page, built by the ORM once and then sent as recorded.

Building a query (compiling filters, joins and aggregates to SQL) can cost the ORM several times
what the database spends answering it. `replayed(key, build, from_row)` answers with `build()`
the first time for a key, recording the one statement it sends; later calls send that statement
again and turn its row into the answer with `from_row`. `replayed_rows(key, build)` does the same
for a `values_list()` of plain values (ids, counts, names: no converter runs on a replay) and
answers with its rows as tuples. The rows are always read fresh, only the building is saved. The
key must name everything that changes the statement: the person, the day, the ids, the settings
the query reads (the database vendor is added here).
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")
_recorded: dict[tuple, tuple[str, object]] = {}
LIMIT = 10_000  # keys (people × days, replies): a long-running worker starts afresh when it has this many


def replayed(key: tuple, build: Callable[[], T], from_row: Callable[[tuple], T]) -> T:
    return _replayed(key, build, lambda cursor: from_row(cursor.fetchone()))


def replayed_rows(key: tuple, build: Callable[[], Iterable[tuple]]) -> list[tuple]:
    return _replayed(key, lambda: [tuple(row) for row in build()], lambda cursor: cursor.fetchall())


def _replayed(key: tuple, build: Callable[[], T], answer: Callable) -> T:
    key = (connection.vendor, *key)
    statement = _recorded.get(key)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return answer(cursor)
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = build()
    if len(sent) == 1:  # anything else is answered by the ORM every time
        if len(_recorded) >= LIMIT:
            _recorded.clear()
        _recorded[key] = sent[0]
    return result
