"""Production's task backend: Send only queues; `manage.py db_worker` delivers, once."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from replies.models import Delivery

from .delivery_factories import small_reply
from .test_delivery_smtp import post_send, smtp_port, smtp_server  # noqa: F401 (fixtures)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND


# The worker closes its database connections between tasks, as a long-running process
# should: the test commits for real instead of running inside one rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_sending_to_the_worker(client, alice, smtp_server, database_tasks,  # noqa: F811
                                              django_capture_on_commit_callbacks):
    reply = small_reply(alice)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")

    post_send(client, reply, django_capture_on_commit_callbacks)
    post_send(client, reply, django_capture_on_commit_callbacks)  # a double click
    delivery = Delivery.objects.get(reply=reply)
    assert delivery.status == Delivery.Status.QUEUED
    assert smtp_server.messages == []

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(smtp_server.messages) == 1
    assert reply.inquiry.reference in smtp_server.messages[0]["Subject"]
    page = client.get(reverse("inquiries:detail", args=[reply.inquiry.pk])).content.decode()
    assert "reply.sent" in page
