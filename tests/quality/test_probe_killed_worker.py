"""Probe finding 9: killed workers left rows stuck.

`kill -9` of the task worker while it waits for the SMTP server's answer leaves its task
RUNNING in django_tasks_db for ever and its delivery "sending", with no way out. Now
retry_deliveries marks such a task failed and puts the delivery into "outcome unknown",
shown on the inquiry with the two choices. On PostgreSQL the worker is a real `db_worker`
process, really killed; on SQLite (an in-memory test database no other process can open) the
rows are brought where a killed worker leaves them by the same calls the worker makes.
"""

import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from inquiries.models import Inquiry
from replies.letter.assembly import assemble_letter
from replies.models import Delivery, Reply
from replies.outbox.deliveries import delivery_queue
from replies.outbox.sending import _claim, _render_and_archive
from tests.replies.factories import make_reply

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class HangingServer:
    """Takes the message, then never answers: the worker waits until it is killed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope.original_content)
        await asyncio.sleep(120)
        return "250 OK"


@pytest.fixture
def hanging_server(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "lib.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 60
    settings.EMAIL_USE_TLS = False
    settings.TASKS = DATABASE_TASKS
    server = HangingServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    yield server
    controller.stop()


def queued_delivery(alice, capture) -> Delivery:
    reply = make_reply(alice)
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED)
    with capture(execute=True):  # the send task goes into django_tasks_db: nobody runs it yet
        delivery_queue(reply=reply, by=alice, method=Delivery.Method.EMAIL, attach_pdf=False, confirm_stale=True)
    return Delivery.objects.get()


def an_hour_later() -> None:
    long_ago = timezone.now() - timedelta(hours=2)
    Delivery.objects.update(started_at=long_ago)
    DBTaskResult.objects.update(started_at=long_ago)


def assert_recovered(client, alice, server) -> None:
    out = io.StringIO()
    call_command("retry_deliveries", stdout=out)
    assert "1 task(s)" in out.getvalue()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.UNKNOWN
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED and "worker stopped" in task.traceback
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/desk/inquiries/{delivery.reply.inquiry_id}/").content.decode()
    assert "Outcome unknown" in page and "It arrived" in page and "Send again" in page
    call_command("retry_deliveries", stdout=io.StringIO())
    assert len(server.messages) == 1  # never sent a second time on its own
    assert Inquiry.objects.get(pk=delivery.reply.inquiry_id).status != Inquiry.Status.SENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a database it can open")
@pytest.mark.django_db(transaction=True)
def test_it_recovers_from_a_worker_killed_mid_send(client, alice, hanging_server, django_capture_on_commit_callbacks):
    queued_delivery(alice, django_capture_on_commit_callbacks)
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "TASK_BACKEND": "django_tasks_db.DatabaseBackend", "EMAIL_BACKEND": "lib.smtp.EmailBackend",
           "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(django_settings.EMAIL_PORT), "EMAIL_TIMEOUT": "60",
           "PGAPPNAME": "replydesk-killed-worker"}
    worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not hanging_server.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        assert hanging_server.messages, "the worker never handed the message over"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        # The dead worker's session, which the server keeps a while; only that one: the live
        # server of the browser tests holds a connection to this database too.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND application_name = 'replydesk-killed-worker'")
    assert Delivery.objects.get().status == Delivery.Status.SENDING  # where the kill leaves it
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    an_hour_later()
    assert_recovered(client, alice, hanging_server)


@pytest.mark.django_db
def test_it_recovers_the_rows_a_killed_worker_leaves(client, alice, hanging_server, django_capture_on_commit_callbacks):
    delivery = queued_delivery(alice, django_capture_on_commit_callbacks)
    DBTaskResult.objects.get().claim("killed-worker")  # what db_worker does before running the task
    claimed = _claim(delivery.pk)  # what the send task does, up to the hand-over
    _render_and_archive(claimed, assemble_letter(claimed.reply))
    hanging_server.messages.append(bytes(claimed.eml))  # ...and the server took it; then kill -9
    an_hour_later()
    assert_recovered(client, alice, hanging_server)
