"""Probe finding 3: a late "250 OK" made the outbox send twice.

A real SMTP server (aiosmtpd on loopback) stores each message and answers only after
EMAIL_TIMEOUT. Before, each delivery was marked failed, retry_deliveries sent it again (6 emails
for 3 deliveries) and the archive was overwritten with the second Message-ID. Now such a
delivery is "outcome unknown": never retried automatically; a person sees the archived email
and chooses "It arrived" or "Send again".
"""

import asyncio
import email
import io
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from inquiries.models import Inquiry
from library.models import Topic
from replies.models import Delivery, Reply
from tests.conftest import make_inquiry, make_requester
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db

TIMEOUT = 1


class SlowServer:
    """Stores every message, then answers 250 after `delay` seconds."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.delay = TIMEOUT + 1.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        await asyncio.sleep(self.delay)
        return "250 OK"


@pytest.fixture
def slow_server(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "lib.smtp.EmailBackend"  # the production default (config/settings.py)
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, TIMEOUT
    settings.EMAIL_USE_TLS = False
    server = SlowServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    yield server
    controller.stop()


def approved_reply(author, name: str) -> Reply:
    """A short letter to a new person (the library is made once, by the first)."""
    topic = Topic.objects.first()
    if topic is None:
        reply = make_reply(author)
    else:
        requester = make_requester(name, f"{name.split()[-1].lower()}@example.org")
        reply = make_reply(author, inquiry=make_inquiry(requester, topics=[topic], assignee=author))
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED)
    reply.refresh_from_db()
    return reply


def send(client, reply, capture):
    data = {"method": "email", "version": reply.version, "confirm_stale": "1"}
    with capture(execute=True):
        return client.post(f"/desk/deliveries/send/{reply.pk}/", data)


def test_it_never_sends_twice_after_a_late_ok(alice, login, slow_server, django_capture_on_commit_callbacks):
    desk = login(alice)
    replies = []
    for n in range(3):
        replies.append(approved_reply(alice, f"Person {n}"))
    for reply in replies:
        send(desk, reply, django_capture_on_commit_callbacks)
    deliveries = list(Delivery.objects.order_by("pk"))
    assert [d.status for d in deliveries] == [Delivery.Status.UNKNOWN] * 3
    assert len(slow_server.messages) == 3
    archived_ids = [d.message_id for d in deliveries]
    assert archived_ids == [m["Message-ID"] for m in slow_server.messages]

    # cron, with every back-off long over: nothing is sent again, nothing is overwritten
    Delivery.objects.update(started_at=timezone.now() - timedelta(days=1))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("retry_deliveries", stdout=io.StringIO())
    assert len(slow_server.messages) == 3
    assert [d.message_id for d in Delivery.objects.order_by("pk")] == archived_ids
    assert {d.status for d in Delivery.objects.all()} == {Delivery.Status.UNKNOWN}

    first, second = deliveries[0], deliveries[1]
    page = desk.get(f"/desk/inquiries/{first.reply.inquiry_id}/").content.decode()
    assert "Outcome unknown" in page and "It arrived" in page and "Send again" in page
    assert f"/desk/deliveries/{first.pk}/archive/eml/" in page
    eml = desk.get(f"/desk/deliveries/{first.pk}/archive/eml/")
    assert email.message_from_bytes(eml.content, policy=policy.default)["Message-ID"] == archived_ids[0]

    desk.post(f"/desk/deliveries/{first.pk}/arrived/")
    first.refresh_from_db()
    assert first.status == Delivery.Status.SENT
    assert Inquiry.objects.get(pk=first.reply.inquiry_id).status == Inquiry.Status.SENT

    slow_server.delay = 0  # the server answers in time now
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(f"/desk/deliveries/{second.pk}/send-again/")
    second.refresh_from_db()
    again = Delivery.objects.filter(reply=second.reply).exclude(pk=second.pk).get()
    assert (second.status, second.message_id) == (Delivery.Status.FAILED, archived_ids[1])  # its archive stays
    assert second.next_attempt_at is None
    assert again.status == Delivery.Status.SENT and again.message_id != archived_ids[1]
    assert len(slow_server.messages) == 4


def test_it_still_retries_when_nothing_was_handed_over(alice, login, settings, django_capture_on_commit_callbacks):
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "lib.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, TIMEOUT
    reply = approved_reply(alice, "Pat")
    send(login(alice), reply, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is not None
