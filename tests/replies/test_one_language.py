"""One language per letter: the requester's; mixing needs an explicit, recorded confirmation;
dates and labels follow the letter's language in every output."""

import email
import io
from datetime import date
from email import policy

import pytest
from pypdf import PdfReader

from replies.composer.services import ReplyError, reply_start, reply_submit
from replies.letter.assembly import assemble_letter
from replies.letter.exports import export_reply
from replies.letter.render import letter_html, letter_text
from replies.models import Reply
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic

REVIEWED = date(2026, 11, 29)


@pytest.fixture
def topic(db):
    make_standard_texts("en")
    make_standard_texts("es")
    topic = make_topic("Scleromyxedema", names={"es": "Escleromixedema"})
    make_section(topic, "overview", heading="What is scleromyxedema?", body="A rare skin disorder.",
                 last_updated=REVIEWED)
    return topic


def spanish_reply(author, topic) -> Reply:
    inquiry = make_inquiry(question="¿Qué es el escleromixedema?", topics=[topic], assignee=author, language="es")
    return reply_start(inquiry=inquiry, by=author, sections="all")


def test_it_refuses_to_submit_a_spanish_letter_of_english_sections_without_confirmation(topic, alice, login):
    reply = spanish_reply(alice, topic)
    assert reply.language == "es"
    letter = assemble_letter(reply)
    assert [b.heading for b in letter.foreign_blocks] == ["What is scleromyxedema?"]
    with pytest.raises(ReplyError, match="mix languages"):
        reply_submit(reply=reply, version=reply.version, by=alice)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFTING

    client = login(alice)
    page = client.get(reply.get_absolute_url()).content.decode()
    assert 'id="mixed-languages"' in page and 'name="confirm_languages"' in page
    client.post(f"/desk/replies/{reply.pk}/review/submit/", {"version": reply.version})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFTING
    assert not reply.inquiry.events.filter(action="reply.languages_confirmed").exists()

    client.post(f"/desk/replies/{reply.pk}/review/submit/", {"version": reply.version, "confirm_languages": "1"})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.IN_REVIEW
    event = reply.inquiry.events.get(action="reply.languages_confirmed")
    assert event.actor == alice and event.data["letter"] == "es" and event.data["others"] == ["en"]
    assert "What is scleromyxedema?" in event.note


def test_it_submits_a_letter_in_one_language_without_asking(topic, alice):
    make_section(topic, "overview", heading="¿Qué es el escleromixedema?", body="Una enfermedad rara.",
                 last_updated=REVIEWED, language="es")
    reply = spanish_reply(alice, topic)
    assert [b.language for b in reply.blocks.filter(kind="section")] == ["es"]  # the Spanish one, not both
    assert not assemble_letter(reply).mixed_languages
    reply_submit(reply=reply, version=reply.version, by=alice)
    assert reply.status == Reply.Status.IN_REVIEW


def test_it_prefers_sections_in_the_letters_language_in_suggestions(topic, alice, login):
    spanish = make_section(topic, "overview", heading="¿Qué es el escleromixedema?", body="Una enfermedad rara.",
                           language="es")
    reply = reply_start(inquiry=make_inquiry(question="What is scleromyxedema?", assignee=alice, language="es"),
                        by=alice)
    side = login(alice).get(reply.get_absolute_url()).context["library"]
    assert side.suggestions[0].section == spanish


def test_it_dates_and_labels_in_the_letters_language_in_every_output(topic, alice):
    make_section(topic, "overview", heading="¿Qué es el escleromixedema?", body="Una enfermedad rara.",
                 last_updated=REVIEWED, language="es")
    reply = spanish_reply(alice, topic)
    letter = assemble_letter(reply)
    assert letter.topic == "Escleromixedema"
    line = "Última actualización: 29/11/2026"
    assert line in letter_text(letter)
    assert line in letter_html(letter) and "11/29/2026" not in letter_html(letter)
    assert line in export_reply(reply, "txt").decode()
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(export_reply(reply, "pdf"))).pages)
    assert line in pdf and "Escleromixedema" in pdf
    message = email.message_from_bytes(export_reply(reply, "eml"), policy=policy.default)
    assert line in message.get_body(("plain",)).get_content()
    assert line in message.get_body(("html",)).get_content()


def test_it_keeps_the_us_date_in_english(topic, alice):
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice, sections="all")
    assert "Last updated: 11/29/2026" in letter_text(assemble_letter(reply))
