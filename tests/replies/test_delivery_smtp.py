"""Sending through a real SMTP server on loopback (aiosmtpd): once, and once only."""

import email
import io
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from inquiries.models import Inquiry
from replies.models import Delivery, Reply
from replies.outbox.sending import delivery_send

from .delivery_factories import small_reply


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "lib.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return port


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def post_send(client, reply, django_capture_on_commit_callbacks, **data):
    form = {"method": "email", "attach_pdf": "1", "confirm_stale": "1", "version": reply.version, **data}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("deliveries:send", args=[reply.pk]), form)


def test_it_sends_one_message_with_text_html_and_pdf_even_when_posted_twice(
    alice, login, smtp_server, django_capture_on_commit_callbacks
):
    reply = small_reply(alice)
    client = login(alice)
    first = post_send(client, reply, django_capture_on_commit_callbacks)
    second = post_send(client, reply, django_capture_on_commit_callbacks)  # the double click
    assert first.status_code == 302 and second.status_code in (200, 302)

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert smtp_server.envelopes[0].rcpt_tos == ["jane@example.org"]
    types = [part.get_content_type() for part in received.walk()]
    assert "text/plain" in types and "text/html" in types and "application/pdf" in types
    assert "An overview.[1]" in received.get_body(("plain",)).get_content()
    assert "<article" in received.get_body(("html",)).get_content()
    pdf = next(part for part in received.walk() if part.get_content_type() == "application/pdf")
    assert pdf.get_content().startswith(b"%PDF")

    delivery = Delivery.objects.get(reply=reply)
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert delivery.message_id == received["Message-ID"]
    assert bytes(delivery.pdf) == pdf.get_content()
    reply.inquiry.refresh_from_db()
    assert reply.inquiry.status == Inquiry.Status.SENT
    assert reply.inquiry.events.filter(action="reply.sent").count() == 1


def test_it_archives_the_bytes_that_went_out(alice, smtp_server, django_capture_on_commit_callbacks):
    from replies.outbox.deliveries import delivery_queue

    reply = small_reply(alice)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_queue(reply=reply, by=alice, method="email", attach_pdf=False)
    delivery.refresh_from_db()
    sent = smtp_server.envelopes[0].original_content.replace(b"\r\n", b"\n")
    # The server adds its own trace headers on top; everything below them is ours, byte for byte.
    assert sent.endswith(bytes(delivery.eml))
    import hashlib

    assert delivery.eml_sha256 == hashlib.sha256(bytes(delivery.eml)).hexdigest()
    assert delivery.pdf is None and delivery.pdf_sha256 == ""


def test_it_fails_when_the_server_is_down_and_a_retry_delivers_once(
    alice, login, smtp_port, django_capture_on_commit_callbacks
):
    reply = small_reply(alice)
    client = login(alice)
    post_send(client, reply, django_capture_on_commit_callbacks, attach_pdf="")  # nothing listens on the port

    delivery = Delivery.objects.get(reply=reply)
    assert delivery.status == Delivery.Status.FAILED
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
    assert delivery.next_attempt_at is not None
    reply.inquiry.refresh_from_db()
    assert reply.inquiry.status != Inquiry.Status.SENT
    assert reply.inquiry.events.filter(action="delivery.failed").exists()
    page = client.get(reply.inquiry.get_absolute_url())
    assert delivery.last_error in page.content.decode()  # the error is shown on the inquiry

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("deliveries:retry", args=[delivery.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(reverse("deliveries:retry", args=[delivery.pk]))  # a second click
        delivery_send(delivery_id=delivery.pk)  # a second worker with the same task
    finally:
        controller.stop()

    assert response.status_code == 302 and again.status_code == 302
    assert len(inbox.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    reply.inquiry.refresh_from_db()
    assert reply.inquiry.status == Inquiry.Status.SENT


def test_it_retries_automatically_when_the_backoff_has_passed(alice, smtp_port, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from replies.outbox.deliveries import delivery_queue

    reply = small_reply(alice)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_queue(reply=reply, by=alice, method="email", attach_pdf=False)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("retry_deliveries", stdout=io.StringIO())
        assert inbox.messages == []  # not yet: the backoff has not passed
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("retry_deliveries", stdout=io.StringIO())
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.SENT
