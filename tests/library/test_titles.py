"""The default title of a letter, from the topic and the kinds asked, in the letter's language."""

import pytest

from library.titles import TITLE_PHRASES, letter_title, topic_in_sentence
from tests.conftest import make_section, make_topic


@pytest.mark.parametrize(("kinds", "language", "title"), [
    (["cause", "treatment"], "en", "What causes scleromyxedema and how is it treated?"),
    (["cause"], "en", "What causes scleromyxedema?"),
    (["treatment"], "en", "How is scleromyxedema treated?"),
    ([], "en", "Information about scleromyxedema"),
    (["no-such-kind"], "en", "Information about scleromyxedema"),
    (["symptoms", "cause", "treatment"], "en",
     "What are the signs and symptoms of scleromyxedema, what causes it and how is it treated?"),
    (["cause", "cause", "treatment"], "en", "What causes scleromyxedema and how is it treated?"),
    (["cause", "treatment"], "es", "¿Qué causa scleromyxedema y cómo se trata?"),
    ([], "es", "Información sobre scleromyxedema"),
])
def test_it_restates_the_question_from_topic_and_kinds(kinds, language, title):
    assert letter_title("scleromyxedema", kinds, language) == title


def test_it_has_a_phrase_for_every_section_kind_in_every_language():
    from library.models import Section

    for language, table in TITLE_PHRASES.items():
        assert set(Section.Kind.values) - {"other"} <= set(table["kinds"]), language


def test_it_writes_the_topic_as_the_library_headings_do(db):
    lower = make_topic("Scleromyxedema")
    make_section(lower, "overview", heading="What is scleromyxedema?")
    eponym = make_topic("Marfan syndrome")
    make_section(eponym, "overview", heading="What is Marfan syndrome?")
    bare = make_topic("Urachal cyst")
    assert topic_in_sentence(lower, "en") == "scleromyxedema"
    assert topic_in_sentence(eponym, "en") == "Marfan syndrome"
    assert topic_in_sentence(bare, "en") == "Urachal cyst"


def test_it_uses_the_topics_name_in_the_letters_language(db):
    topic = make_topic("Scleromyxedema", names={"es": "Escleromixedema"})
    make_section(topic, "overview", heading="¿Qué es el escleromixedema?", language="es")
    assert topic_in_sentence(topic, "es") == "escleromixedema"
    assert topic_in_sentence(topic, "en") == "Scleromyxedema"
