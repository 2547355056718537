"""Probe finding 6c: the signed start token of the public form could be reused for 24 hours.

A script fetched the form once and posted it again and again. Now each shown form's token is
accepted once; a refused post changes nothing and the page offers a fresh form.
"""

import time

import pytest

from inquiries.forms import fill_token
from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db


def payload(started: str, **fields) -> dict:
    return {"name": "Pat Doe", "email": "pat@example.org", "role": "patient", "language": "en",
            "question": "What causes scleromyxedema and how is it treated?", "website": "", "started": started,
            **fields}


def test_it_accepts_a_start_token_once(client):
    token = fill_token(time.time() - 60)
    assert client.post("/ask/", payload(token)).status_code == 302
    again = client.post("/ask/", payload(token, question="A second question from the same old form, please."))
    assert again.status_code == 400
    assert "token_used" in [e.code for e in again.context["form"].non_field_errors().as_data()]
    assert Inquiry.objects.count() == 1
    assert again.context["started_token"] != token  # the re-shown form can be sent (once)


def test_it_keeps_the_token_of_a_form_that_was_refused(client):
    token = fill_token(time.time() - 60)
    assert client.post("/ask/", payload(token, question="short")).status_code == 400
    assert client.post("/ask/", payload(token)).status_code == 302  # corrected and sent with the same form


def test_it_does_not_use_a_rate_limit_slot_for_a_reused_token(client, settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 2
    token = fill_token(time.time() - 60)
    assert client.post("/ask/", payload(token)).status_code == 302
    assert client.post("/ask/", payload(token)).status_code == 400
    assert client.post("/ask/", payload(fill_token(time.time() - 60))).status_code == 302
    assert Inquiry.objects.count() == 2
