"""Probe finding 1: the public form rewrote a stored requester and put a link into the letter.

Through the real form: a stranger types an existing requester's email with a Markdown link as
the name. The stored requester keeps their details, what was typed stays on the inquiry, the
letter shows any typed name as text, and the confirmation echoes nothing the submitter wrote.
"""

import email
import re
import time
from email import policy

import pytest
from django.core import mail
from django.core.cache import cache
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from inquiries.forms import fill_token
from inquiries.models import Inquiry, InquiryEvent, Requester
from lib.markup import html_to_text, render_markdown
from library.placeholders import fill_placeholders
from tests.quality import factories
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db

LINK_NAME = "[Verify](https://evil.example/verify)"
QUESTION = "What causes scleromyxedema and how is it treated? My secret detail 4711."


def submit(client, **fields) -> Inquiry:
    cache.clear()  # each submission from the test client's one address: keep under the rate limit
    data = {"name": "Pat Doe", "email": "pat@example.org", "phone": "555-0100", "country": "Canada",
            "role": "patient", "condition": "scleromyxedema", "question": QUESTION, "language": "en",
            "website": "", "started": fill_token(time.time() - 60), **fields}
    response = client.post("/ask/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Inquiry.objects.select_related("requester").latest("pk")


def test_it_never_changes_a_stored_requester_from_the_public_form(client, login, alice):
    first = submit(client)
    second = submit(client, name=LINK_NAME, phone="", country="Narnia", role="professional")
    assert second.requester_id == first.requester_id
    requester = Requester.objects.get()
    assert (requester.name, requester.phone, requester.country, requester.role) == (
        "Pat Doe", "555-0100", "Canada", "patient")
    assert second.contact_given["name"] == LINK_NAME
    assert second.contact_given["country"] == "Narnia"

    desk = login(alice)
    page = desk.get(f"/desk/inquiries/{second.pk}/").content.decode()
    assert "[Verify](https://evil.example/verify)" in page  # shown as typed, as text
    assert 'href="https://evil.example' not in page
    desk.post(f"/desk/inquiries/{second.pk}/requester/")
    requester.refresh_from_db()
    assert (requester.name, requester.country, requester.phone) == (LINK_NAME, "Narnia", "555-0100")
    event = InquiryEvent.objects.get(action="requester.updated")
    assert (event.actor, event.inquiry_id, sorted(event.data["fields"])) == (alice, second.pk,
                                                                           ["country", "name", "role"])


def test_it_refuses_the_requester_update_to_a_role_without_cases(client, login, charlie, lee):
    first = submit(client)
    second = submit(client, name="Someone Else")
    for user in (charlie, lee):
        assert login(user).post(f"/desk/inquiries/{second.pk}/requester/").status_code == 403
    assert Requester.objects.get(pk=first.requester_id).name == "Pat Doe"


def test_it_shows_a_typed_name_in_the_letter_as_text(client, login, alice):
    factories.make_library()
    inquiry = submit(client, name=LINK_NAME, email="new@example.org")
    assert inquiry.requester.name == LINK_NAME  # a new requester: stored as typed
    reply = make_reply(alice, inquiry=inquiry)
    desk = login(alice)
    outputs = {fmt: desk.get(f"/desk/deliveries/reply/{reply.pk}/export/{fmt}/").content for fmt in ("html", "txt")}
    assert b"evil.example" in outputs["html"]  # the name is there...
    assert b'href="https://evil.example' not in outputs["html"]  # ...but not as a link
    assert "Dear [Verify](https://evil.example/verify)," in outputs["txt"].decode()
    eml = email.message_from_bytes(desk.get(f"/desk/deliveries/reply/{reply.pk}/export/eml/").content,
                                   policy=policy.default)
    assert 'href="https://evil.example' not in eml.get_body(("html",)).get_content()


def test_it_acknowledges_with_the_reference_only(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = submit(client, name=LINK_NAME, email="victim@example.org")
    message = mail.outbox[0]
    parts = [message.subject, message.body, message.alternatives[0][0]]
    for part in parts[1:]:
        assert inquiry.reference in part
    for part in parts:
        assert "4711" not in part and "evil.example" not in part and "Verify" not in part


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co", "Cc")), max_size=80))
@hypothesis_settings(derandomize=True, max_examples=100, deadline=None)
def test_it_renders_any_placeholder_value_as_its_own_text(value):
    html = render_markdown(fill_placeholders("{requester_name}", {"requester_name": value}))
    assert html_to_text(html) == (" ".join(value.split()) or "friend")
    assert set(re.findall(r"</?([a-z]+)", html)) <= {"p"}
