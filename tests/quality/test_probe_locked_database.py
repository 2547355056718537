"""Probe finding 8 (the public form): a locked database lost the question.

While another connection holds SQLite's write lock, POST /ask/ answered a bare 500, the typed
question was gone and the person's rate-limit slot used up. Now the form comes back with the
text and a "please try again" message, nothing is saved, and the slot and the form stay usable.
"""

import sqlite3
import time

import pytest
from django.core.cache import cache
from django.db import connection

from inquiries.forms import fill_token
from inquiries.models import Inquiry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="locks a SQLite database"),
]

QUESTION = "What causes scleromyxedema and how is it treated? I wrote this carefully."


@pytest.fixture
def write_lock():
    """Another connection to the same SQLite database, holding the write lock until released."""
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE inquiries_referencecounter SET last = last")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_it_gives_the_form_back_while_the_database_is_locked(client, settings, write_lock):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 1
    cache.clear()
    token = fill_token(time.time() - 60)
    data = {"name": "Pat Doe", "email": "pat@example.org", "role": "patient", "language": "en",
            "question": QUESTION, "website": "", "started": token}
    response = client.post("/ask/", data)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "save_failed" in [e.code for e in response.context["form"].non_field_errors().as_data()]
    page = response.content.decode()
    assert "please try again" in page
    assert QUESTION in page and 'value="Pat Doe"' in page
    write_lock.execute("ROLLBACK")
    assert not Inquiry.objects.exists()

    again = client.post("/ask/", data)  # the same form, with the one slot of the hour
    assert again.status_code == 302
    assert Inquiry.objects.get().question == QUESTION
