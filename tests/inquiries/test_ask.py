import time

import pytest

from inquiries.forms import fill_token
from inquiries.models import Inquiry, InquiryEvent, Requester

pytestmark = pytest.mark.django_db


def payload(**overrides):
    data = {
        "name": "Pat Doe",
        "email": "Pat@Example.org",
        "phone": "",
        "country": "Canada",
        "role": "patient",
        "condition": "Scleromyxedema",
        "question": "What causes scleromyxedema and how is it treated?",
        "language": "en",
        "consent_to_keep": "on",
        "website": "",
        "started": fill_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def post(client, **overrides):
    return client.post("/ask/", payload(**overrides))


def error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def assert_nothing_stored():
    assert not Inquiry.objects.exists()
    assert not Requester.objects.exists()
    assert not InquiryEvent.objects.exists()


def test_it_shows_the_form_without_login(client):
    response = client.get("/ask/")
    assert response.status_code == 200
    assert b'name="question"' in response.content
    assert b'name="started"' in response.content


def test_it_shows_the_form_in_spanish(client):
    response = client.get("/ask/", HTTP_ACCEPT_LANGUAGE="es")
    assert b"Haga una pregunta" in response.content
    assert b"Cambiar idioma" in response.content
    assert "¿Quién pregunta?".encode() in response.content


def test_it_explains_a_missing_start_time(client):
    response = post(client, started="")
    assert b"The form has expired" in response.content
    assert_nothing_stored()


def test_it_switches_language(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/ask/"})
    assert response.status_code == 302
    assert b"Haga una pregunta" in client.get("/ask/").content


def test_it_accepts_a_valid_question(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.reference.startswith("RD-")
    assert (inquiry.channel, inquiry.status, inquiry.condition) == ("web", "new", "Scleromyxedema")
    requester = inquiry.requester
    assert (requester.email, requester.role, requester.country, requester.consent_to_keep) == (
        "pat@example.org",
        "patient",
        "Canada",
        True,
    )
    page = client.get(response["Location"])
    assert inquiry.reference.encode() in page.content
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["pat@example.org"]
    assert inquiry.reference in email.subject
    assert inquiry.reference in email.body
    assert inquiry.reference in email.alternatives[0][0]


def test_it_sends_the_confirmation_in_the_requested_language(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, language="es")
    assert "Recibimos su pregunta" in mailoutbox[0].subject


def test_it_refuses_a_forged_thanks_page(client):
    assert client.get("/ask/thanks/1/").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "", "required"),
        ("name", "   ", "required"),
        ("email", "", "required"),
        ("email", "not-an-email", "invalid"),
        ("role", "astronaut", "invalid_choice"),
        ("question", "", "required"),
        ("question", "Too short?", "too_short"),
        ("question", "x" * 5001, "too_long"),
        ("language", "fr", "invalid_choice"),
        ("phone", "1" * 41, "max_length"),
        ("country", "c" * 101, "max_length"),
        ("condition", "c" * 301, "max_length"),
    ],
)
def test_it_rejects_each_invalid_field(client, mailoutbox, field, value, code):
    response = post(client, **{field: value})
    assert response.status_code == 400
    assert code in error_codes(response, field)
    assert b"Nothing has been saved" in response.content
    assert_nothing_stored()
    assert mailoutbox == []


def test_it_accepts_optional_fields_left_empty(client):
    response = post(client, phone="", country="", condition="", consent_to_keep="")
    assert response.status_code == 302
    assert Requester.objects.get().consent_to_keep is False


def test_it_rejects_the_honeypot(client):
    response = post(client, website="http://spam.example")
    assert "honeypot" in error_codes(response, "website")
    assert b"looks automated" in response.content
    assert_nothing_stored()


def test_it_rejects_a_form_filled_too_fast(client, settings):
    settings.INQUIRY_MIN_FILL_SECONDS = 3
    response = post(client, started=fill_token(time.time()))
    assert "too_fast" in error_codes(response, "started")
    assert_nothing_stored()


def test_it_rejects_a_forged_start_time(client):
    response = post(client, started=str(time.time() - 60))
    assert "bad_token" in error_codes(response, "started")
    assert_nothing_stored()


def test_it_rate_limits_per_address(client, settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 2
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 429
    assert "rate_limited" in [e.code for e in response.context["form"].non_field_errors().as_data()]
    assert Inquiry.objects.count() == 2
    other = client.post("/ask/", payload(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_it_does_not_count_rejected_attempts_against_the_limit(client, settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 1
    post(client, question="short")
    post(client, question="short")
    assert post(client).status_code == 302


def test_it_suggests_topic_names_as_you_type(client):
    from library.models import Topic

    Topic.objects.create(name="Scleromyxedema")
    page = client.get("/ask/")
    assert b'src="/static/inquiries/ask.js"' in page.content
    assert b'data-url="/ask/topics/"' in page.content
    response = client.get("/ask/topics/?q=sclero")
    assert response.status_code == 200
    assert "Scleromyxedema" in response.json()["topics"]


def test_it_refuses_other_methods(client):
    assert client.put("/ask/").status_code == 405
    assert not Inquiry.objects.exists()
