import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_checklist_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="desk.example.org",
        REDIS_URL="redis://127.0.0.1:6379/1",
        USE_X_FORWARDED_PROTO="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "desk.example.org", "REDIS_URL": "redis://127.0.0.1:6379/1"}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_it_refuses_to_start_in_production_without_a_required_variable(missing):
    result = run_manage("check", **{**PRODUCTION, missing: ""})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set when DEBUG is off" in result.stderr


def test_it_starts_in_production_with_all_of_them():
    result = run_manage("check", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_it_needs_none_of_them_in_development():
    assert run_manage("check", DEBUG="1", REDIS_URL="", ALLOWED_HOSTS="").returncode == 0


@pytest.mark.django_db
def test_it_runs_sqlite_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    if connection.settings_dict["NAME"] == ":memory:" or "mode=memory" in str(connection.settings_dict["NAME"]):
        # The test database is in memory (no journal file); check the configured options instead.
        options = settings.DATABASES["default"]["OPTIONS"]
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_it_makes_the_app_database_in_wal_mode(tmp_path):
    db = tmp_path / "wal.sqlite3"
    result = run_manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
