import io
import json
import logging
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django_guid import set_guid
from django_tasks_db.models import DBTaskResult

from inquiries.forms import fill_token
from lib.tracing import REQUEST_ID_KWARG
from replies.models import Delivery
from replies.outbox.deliveries import delivery_queue
from tests.replies.delivery_factories import small_reply

pytestmark = pytest.mark.django_db

PERSON = {"name": "Perpetua Quillfeather", "email": "perpetua.q@example.org", "phone": "+1 555 0199"}
QUESTION = "Does the zebrafish protocol help with my daughter's xerodermic rash?"


def ask(client, **headers):
    data = {
        **PERSON, "country": "Canada", "role": "patient", "condition": "", "question": QUESTION,
        "language": "en", "consent_to_keep": "on", "website": "", "started": fill_token(time.time() - 60),
    }
    return client.post("/ask/", data, **headers)


@pytest.fixture
def log_output():
    """What the console handler configured in settings.LOGGING writes."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def lines_of(output: io.StringIO, logger: str) -> list[dict]:
    return [line for line in json_lines(output.getvalue()) if line["logger"] == logger]


def test_it_writes_one_json_line_per_request(client, log_output, alice):
    client.force_login(alice)
    response = client.get("/desk/inquiries/?q=Perpetua")
    (line,) = lines_of(log_output, "replydesk.request")
    assert line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == alice.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/desk/inquiries/", 200)
    assert line["duration_ms"] > 0
    assert line["time"].startswith(str(time.gmtime().tm_year))
    assert "Perpetua" not in json.dumps(line)  # the query string is not logged


def test_it_keeps_the_request_id_the_proxy_sent(client, log_output):
    request_id = uuid.uuid4().hex
    response = client.get("/ask/", HTTP_X_REQUEST_ID=request_id)
    assert response["X-Request-ID"] == request_id
    assert lines_of(log_output, "replydesk.request")[0]["request_id"] == request_id


# transaction=True: the task is queued when the request's transaction commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_it_passes_the_request_id_to_the_task_and_the_email_and_logs_no_personal_data(client, log_output):
    response = ask(client)
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    (email,) = mail.outbox
    assert email.message()["X-Request-ID"] == request_id
    output = log_output.getvalue()
    lines = json_lines(output)
    task_line = next(line for line in lines if line["logger"] == "replydesk.task")
    assert task_line["path"] == "inquiries.tasks.send_confirmation"
    assert task_line["status"] == "SUCCESSFUL"
    assert task_line["request_id"] == request_id
    assert any(line["logger"] == "replydesk.request" and line["status"] == 302 for line in lines)
    for secret in [*PERSON.values(), QUESTION, "zebrafish"]:
        assert secret not in output


@pytest.mark.django_db(transaction=True)
def test_it_carries_the_request_id_through_the_database_queue(client, log_output, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request_id = ask(client)["X-Request-ID"]
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"][REQUEST_ID_KWARG] == request_id
    assert not mail.outbox

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert mail.outbox[0].message()["X-Request-ID"] == request_id
    (task_line,) = lines_of(log_output, "replydesk.task")
    assert (task_line["request_id"], task_line["status"]) == (request_id, "SUCCESSFUL")


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_request_id_into_the_letter_email_and_its_archive(alice, log_output):
    request_id = uuid.uuid4().hex
    set_guid(request_id)  # as the request that pressed "Send" would have
    try:
        delivery = delivery_queue(reply=small_reply(alice), by=alice, method=Delivery.Method.EMAIL, attach_pdf=False)
    finally:
        set_guid(None)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert mail.outbox[0].message()["X-Request-ID"] == request_id
    assert f"X-Request-ID: {request_id}".encode() in bytes(delivery.eml)
    (task_line,) = lines_of(log_output, "replydesk.task")
    assert (task_line["path"], task_line["request_id"]) == ("replies.outbox.tasks.send_delivery", request_id)


def test_it_logs_a_failed_task_as_an_error(log_output):
    from tests.foundation.tasks import nothing

    with pytest.raises(TypeError):
        nothing.call("an unexpected argument")
    (task_line,) = lines_of(log_output, "replydesk.task")
    assert (task_line["level"], task_line["status"]) == ("ERROR", "FAILED")


def test_it_writes_plain_text_with_log_format_text(tmp_path):
    code = "from django.test import Client; Client().get('/accounts/login/')"
    env = {"LOG_FORMAT": "text", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    (line,) = [line for line in result.stderr.splitlines() if "replydesk.request" in line]
    assert not line.startswith("{")
    assert "INFO replydesk.request [" in line and "GET /accounts/login/ 200" in line
