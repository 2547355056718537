"""Two workers at once on PostgreSQL: the conditional claim lets exactly one of them send."""

import threading

import pytest
from django.core import mail
from django.db import connection

from replies.models import Delivery
from replies.outbox.deliveries import delivery_queue
from replies.outbox.sending import delivery_send

from .delivery_factories import small_reply


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_workers_race(alice, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers anyway")
    # Nothing runs the task on commit: the threads below are the workers.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    reply = small_reply(alice)
    delivery = delivery_queue(reply=reply, by=alice, method="email", attach_pdf=False)
    barrier = threading.Barrier(4)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(delivery_send(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1
