from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.models import Section
from replies.composer.services import reply_block_add
from tests.conftest import make_section, make_standard_texts

from .factories import make_reply


def test_it_shows_the_composer(alice, login):
    make_standard_texts()
    reply = make_reply(alice)
    r = login(alice).get(reply.get_absolute_url())
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="letter-preview"' in html and "An overview." in html
    assert 'id="library"' in html
    assert "Dear Jane," in html  # the greeting's placeholder, filled from the inquiry


def test_it_answers_htmx_with_the_composer_alone(alice, login):
    reply = make_reply(alice)
    r = login(alice).get(reply.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and 'id="composer"' in html


def test_it_lists_a_topics_sections_with_kind_date_and_stale_badge(alice, login, settings):
    settings.LIBRARY_STALE_AFTER_DAYS = 30
    reply = make_reply(alice, sections="none")
    topic = reply.inquiry.topics.get()
    make_section(topic, "treatment", heading="How is it treated?", last_updated=date(2016, 9, 29))
    html = login(alice).get(reply.get_absolute_url(), {"topic": topic.pk}).content.decode()
    assert "How is it treated?" in html
    assert "Treatment · updated 9/29/2016" in html
    assert "stale</span>" in html


def test_it_searches_the_library(alice, login):
    reply = make_reply(alice, sections="none")
    make_section(reply.inquiry.topics.get(), "diagnosis", heading="How is it diagnosed?", body="A skin biopsy.")
    html = login(alice).get(reply.get_absolute_url(), {"q": "biopsy"}).content.decode()
    assert "Results for “biopsy”" in html
    assert "How is it diagnosed?" in html


def test_it_pins_the_number_of_queries(alice, login):
    reply = make_reply(alice)
    # Changed without a history row: no drift, but the history is read to know it.
    Section.objects.filter(reply_blocks__reply=reply).update(body="changed")
    client = login(alice)
    client.get(reply.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(reply.get_absolute_url())
    topic = reply.inquiry.topics.get()
    for kind in ("symptoms", "treatment", "prognosis", "diagnosis"):
        section = make_section(topic, kind)
        reply.refresh_from_db()
        reply_block_add(reply=reply, version=reply.version, by=alice, section=section)
    client.get(reply.get_absolute_url())  # the suggestions read the changed library once
    with CaptureQueriesContext(connection) as many:
        client.get(reply.get_absolute_url())
    assert len(many) == len(few)


def test_it_refuses_charlie(charlie, alice, login):
    reply = make_reply(alice)
    assert login(charlie).get(reply.get_absolute_url()).status_code == 403


def test_it_refuses_the_library_editor(lee, alice, login):
    reply = make_reply(alice)
    assert login(lee).get(reply.get_absolute_url()).status_code == 403


def test_it_sends_anonymous_to_login(client, alice):
    reply = make_reply(alice)
    r = client.get(reply.get_absolute_url())
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_it_refuses_post(alice, login):
    reply = make_reply(alice)
    assert login(alice).post(reply.get_absolute_url()).status_code == 405


def test_it_404s_a_missing_reply(alice, login):
    assert login(alice).get("/desk/replies/999999/").status_code == 404
