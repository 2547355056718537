"""Two fetch_mail runs (or a fetch and an import) take the same message at the same moment:
one inquiry, the others see a duplicate."""

import threading

import pytest
from django.db import connection

from inquiries.models import IncomingMessage, Inquiry, Requester
from replies.inbox import mail_take
from tests.inquiries import mail_samples as samples

RUNS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_takes_a_message_raced_by_several_runs_once(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    settings.MEDIA_ROOT = tmp_path
    raw = samples.apple_mail_with_attachments()
    barrier = threading.Barrier(RUNS)
    outcomes = []

    def take():
        try:
            barrier.wait(timeout=10)
            outcomes.append(mail_take(raw).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["duplicate"] * (RUNS - 1) + ["new"]
    assert Inquiry.objects.count() == 1 and Requester.objects.count() == 1
    assert IncomingMessage.objects.count() == 1
    assert Inquiry.objects.get().attachments.count() == 2
