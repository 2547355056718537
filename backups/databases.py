"""One consistent snapshot of the database, and its restore: pg_dump or SQLite's backup API.

A snapshot is taken together with what the manifest says about it (row counts, the letter
archive), read in the same snapshot: on PostgreSQL a REPEATABLE READ transaction exports its
snapshot to pg_dump; on SQLite the counts are read from the copy the backup API made.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from replies.models import Delivery


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what to do."""


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


def archived_letters(cursor) -> Iterator[tuple[int, str, bytes]]:
    """(delivery id, "eml" or "pdf", bytes) for every archived letter file."""
    table = quote(Delivery._meta.db_table)
    cursor.execute(f"SELECT id, eml, pdf FROM {table} ORDER BY id")  # noqa: S608 (our own table name)
    for delivery_id, eml, pdf in cursor.fetchall():
        for kind, data in (("eml", eml), ("pdf", pdf)):
            if data:
                yield delivery_id, kind, bytes(data)


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    # Connection details through the environment: a password never shows in the process list.
    s = connection.settings_dict
    env = {"PGDATABASE": s["NAME"], "PGUSER": s.get("USER") or "", "PGPASSWORD": s.get("PASSWORD") or ""}
    env.update({"PGHOST": s.get("HOST") or "", "PGPORT": str(s.get("PORT") or "")})
    return {**os.environ, **{k: v for k, v in env.items() if v}}


def _run(command: list, what: str) -> str:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603 (no shell; our arguments)
    if result.returncode:
        raise BackupError(f"{what} failed: {result.stderr.strip()}")
    return result.stdout


def pg_client(tool: str) -> str:
    """The pg_dump or pg_restore to run (PG_DUMP / PG_RESTORE may name another one), same major as the server."""
    program = os.environ.get(f"PG_{tool.upper()}") or shutil.which(f"pg_{tool}")
    if not program:
        raise BackupError(f"pg_{tool} was not found: install the PostgreSQL client (postgresql-client).")
    output = _run([program, "--version"], f"pg_{tool} --version")
    client = int(re.search(r"(\d+)(?:\.\d+)?", output).group(1))
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if client != server:
        raise BackupError(
            f"pg_{tool} is version {client} but the server is PostgreSQL {server}: install "
            f"postgresql-client-{server}, or set PG_{tool.upper()} to its pg_{tool}."
        )
    return program


@contextmanager
def _pg_snapshot(directory: Path):
    dump = directory / "database.dump"
    program = pg_client("dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        command = [program, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", dump]
        _run(command, "pg_dump")
        yield dump, cursor, connection.introspection.table_names(cursor)


def _pg_restore(dump: Path, *, force: bool) -> None:
    command = [pg_client("restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    connection.close()  # pg_restore works in its own session; ours must not hold locks
    _run([*command, "--dbname", connection.settings_dict["NAME"], dump], "pg_restore")


# --- SQLite ------------------------------------------------------------------------------------


@contextmanager
def _sqlite_snapshot(directory: Path):
    copy = directory / "database.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # a consistent copy, even while others write
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        yield copy, cursor, tables
    finally:
        target.close()


def _sqlite_restore(copy: Path, *, force: bool) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)  # replaces every page of the open database
    finally:
        source.close()


# --- The two entry points ------------------------------------------------------------------------


def snapshot(directory: Path):
    """Context manager: (snapshot file, a cursor on that same snapshot, its table names)."""
    if connection.vendor == "postgresql":
        return _pg_snapshot(directory)
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(directory)
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def restore(path: Path, *, force: bool) -> None:
    (_pg_restore if connection.vendor == "postgresql" else _sqlite_restore)(path, force=force)
