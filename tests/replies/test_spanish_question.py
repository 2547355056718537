"""A Spanish requester's question, asked in Spanish and naming the topic by its Spanish name,
gets the Spanish title and the sections for the kinds it asks."""

import pytest

from replies.composer.services import reply_start
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic


@pytest.fixture
def topic(db):
    make_standard_texts("es")
    topic = make_topic("Scleromyxedema", names={"es": "Escleromixedema"})
    for kind, heading in [("overview", "¿Qué es el escleromixedema?"), ("symptoms", "¿Cuáles son los síntomas?"),
                          ("cause", "¿Qué causa el escleromixedema?"), ("treatment", "¿Cómo se trata?"),
                          ("prognosis", "¿Cuál es el pronóstico?")]:
        make_section(topic, kind, heading=heading, language="es")
    make_section(topic, "cause", heading="What causes scleromyxedema?", language="en")
    return topic


@pytest.mark.parametrize("question", [
    "¿Qué causa el escleromixedema y cómo se trata?",
    "Hola, a mi padre (58) le dijeron que tiene escleromixedema. ¿Qué causa el escleromixedema y cómo se trata? "
    "Gracias",
    "que causa el escleromixedema y como se trata",
])
def test_it_answers_a_spanish_question_with_the_spanish_title_and_the_sections_asked(topic, alice, question):
    inquiry = make_inquiry(question=question, assignee=alice, language="es")
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    assert reply.title == "¿Qué causa escleromixedema y cómo se trata?"
    sections = reply.blocks.filter(kind="section").order_by("position")
    assert [(b.section.kind, b.language) for b in sections] == [("overview", "es"), ("cause", "es"),
                                                                 ("treatment", "es")]
    assert list(inquiry.topics.all()) == [topic]
