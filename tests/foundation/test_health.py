import datetime as dt
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from replies.models import Delivery
from tests.foundation.tasks import nothing
from tests.replies.delivery_factories import small_reply

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


@pytest.mark.django_db
def test_it_answers_without_login_with_figures_only(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body == {
        "database": True,
        "cache": True,
        "oldest_queued_task_age_seconds": None,
        "seconds_since_worker_finished_task": None,
        "deliveries_outcome_unknown": 0,
    }


@pytest.mark.django_db
def test_it_reports_the_oldest_queued_task_and_the_last_finished_one(client, database_queue):
    now = timezone.now()
    old, recent, done = (nothing.enqueue() for _ in range(3))
    DBTaskResult.objects.filter(pk=old.id).update(enqueued_at=now - dt.timedelta(minutes=10))
    DBTaskResult.objects.filter(pk=recent.id).update(enqueued_at=now - dt.timedelta(minutes=1))
    DBTaskResult.objects.filter(pk=done.id).update(
        enqueued_at=now - dt.timedelta(hours=2),
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=now - dt.timedelta(minutes=30),
    )
    body = client.get("/healthz").json()
    assert 600 <= body["oldest_queued_task_age_seconds"] < 660
    assert 1800 <= body["seconds_since_worker_finished_task"] < 1860


@pytest.mark.django_db
def test_it_counts_the_deliveries_whose_outcome_is_unknown(client, alice):
    reply = small_reply(alice)
    for status in (Delivery.Status.FAILED, Delivery.Status.UNKNOWN):
        Delivery.objects.create(reply=reply, created_by=alice, status=status, recipient_email="jane@example.org")
    body = client.get("/healthz").json()
    assert body["deliveries_outcome_unknown"] == 1
    assert "jane@example.org" not in json.dumps(body) and "Jane" not in json.dumps(body)


@pytest.mark.django_db
def test_it_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_it_answers_503_when_the_database_is_unreachable(tmp_path):
    # A real unreachable database: an SQLite file in a folder that does not exist.
    code = "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/missing/db.sqlite3", "PATH": "/usr/bin:/bin", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"database": False, "cache": True}
