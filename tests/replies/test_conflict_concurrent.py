import threading

import pytest
from django.db import connection, connections

from replies.composer.services import ReplyConflict, reply_block_edit
from replies.models import Reply

from .factories import make_reply


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_one_of_two_simultaneous_saves_win(alice, bob):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(user, text):
        try:
            barrier.wait()
            reply_block_edit(reply=Reply.objects.get(pk=reply.pk), version=1, by=user, block_id=block.pk,
                             heading="", body=text)
            outcomes[text] = "saved"
        except ReplyConflict:
            outcomes[text] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, t)) for u, t in ((alice, "Alice"), (bob, "Bob"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    block.refresh_from_db()
    assert block.body == winner
    assert Reply.objects.get(pk=reply.pk).version == 2
