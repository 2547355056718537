"""One-row reads that run on every page, built by the ORM once and then sent as recorded.

Building a query (compiling filters, joins and aggregates to SQL) can cost the ORM several times
what the database spends answering it. `first_row(key, build)` runs `build` once for a key,
records the one statement Django sends, and from then on sends that statement again: the row is
always read fresh, only the building is saved. The key must name everything that changes the
statement: the database vendor, the person, the day, the settings the query reads.
"""

from collections.abc import Callable

from django.db import connection

_recorded: dict[tuple, tuple[str, object]] = {}
LIMIT = 10_000  # keys (people × days): a long-running worker starts afresh when it has this many


def first_row(key: tuple, build: Callable[[], object]) -> tuple:
    """The first row of the one statement `build` sends (build runs only the first time per key)."""
    key = (connection.vendor, *key)
    statement = _recorded.get(key)
    if statement is None:
        sent = []

        def record(execute, sql, params, many, context):
            sent.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            build()
        if len(sent) != 1:
            raise ValueError(f"{key[1:]}: the query sent {len(sent)} statements, not one")
        if len(_recorded) >= LIMIT:
            _recorded.clear()
        statement = _recorded[key] = sent[0]
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchone()
