"""The timeline reads as sentences in the reader's language, not as codes."""

import pytest
from django.utils import translation

from inquiries.models import Inquiry
from inquiries.services import (
    inquiry_assign,
    inquiry_close_without_reply,
    inquiry_create,
    inquiry_set_topics,
    inquiry_take,
)
from inquiries.timeline import event_sentence
from inquiries.workflow import record_event
from library.models import Topic
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db


def sentences(inquiry, language="en"):
    with translation.override(language):
        return [event_sentence(event) for event in inquiry.events.select_related("actor")]


def test_it_words_each_step_of_an_inquiry(alice, bob, sam):
    inquiry = inquiry_create(name="Pat Doe", email="pat@example.org", question="Is it inherited?")
    inquiry_take(inquiry=inquiry, by=alice)
    inquiry_assign(inquiry=inquiry, to_user=bob, by=sam)
    inquiry_set_topics(inquiry=inquiry, topics=[Topic.objects.create(name="Scleromyxedema")], by=bob)
    other = make_inquiry()
    inquiry_close_without_reply(inquiry=inquiry, reason="duplicate", by=bob, duplicate_of=other)
    assert sentences(inquiry) == [
        "The inquiry arrived by web form.",
        "alice took the inquiry.",
        "sam gave the inquiry to bob (it was alice's).",
        "bob changed the topics from nobody to Scleromyxedema.",
        f"bob closed the inquiry without reply: a duplicate of {other.reference}.",
    ]


def test_it_words_the_events_of_replies_and_plain_moves(alice):
    inquiry = make_inquiry(status=Inquiry.Status.IN_REVIEW, assignee=alice)
    record_event(inquiry=inquiry, action="reply.returned", by=alice, data={"reply": 1})
    record_event(inquiry=inquiry, action="inquiry.drafting", by=alice, from_status="in_review", to_status="drafting")
    record_event(inquiry=inquiry, action="delivery.queued", by=alice, data={"method": "letter"})
    assert sentences(inquiry) == [
        "alice returned the reply to its author.",
        "alice moved the inquiry from In review to Drafting.",
        "alice sent the reply (as a printed letter).",
    ]


def test_it_speaks_spanish_to_a_spanish_reader(alice):
    inquiry = inquiry_create(name="Pat Doe", email="pat@example.org", question="¿Es hereditaria?")
    inquiry_take(inquiry=inquiry, by=alice)
    assert sentences(inquiry, "es") == ["La consulta llegó por formulario web.", "alice tomó la consulta."]


def test_it_shows_sentences_not_codes_on_the_inquiry_page(login, alice):
    inquiry = inquiry_create(name="Pat Doe", email="pat@example.org", question="Is it inherited?")
    inquiry_set_topics(inquiry=inquiry, topics=[Topic.objects.create(name="Scleromyxedema")], by=alice)
    client = login(alice)
    body = client.get(inquiry.get_absolute_url()).content.decode()
    assert "alice changed the topics from nobody to Scleromyxedema." in body
    assert "topics: [" not in body
    assert ">inquiry.topics_changed<" not in body
    with translation.override("en"):  # the request activates Spanish; leave no trace for later tests
        spanish = client.get(inquiry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "alice cambió los temas de ninguno a Scleromyxedema." in spanish


def test_it_names_an_action_nobody_has_worded_yet(alice):
    inquiry = make_inquiry()
    record_event(inquiry=inquiry, action="library.something_new", by=alice)
    assert sentences(inquiry) == ["library.something_new"]
