"""A question names a topic by its name in another language (Topic.names): the suggestions find it."""

from library.suggest import suggest
from tests.conftest import make_section, make_topic


def test_it_finds_a_topic_by_its_name_in_another_language(db):
    topic = make_topic("Systemic scleroderma", names={"es": "Esclerodermia"})
    make_section(topic, "cause", language="es")
    make_topic("Scleromyxedema")
    found = suggest("¿Qué causa la esclerodermia y cómo se trata?")
    assert [t.name for t, _ in found.topics] == ["Systemic scleroderma"]
    assert found.match == "exact"


def test_it_sees_a_translated_name_added_after_the_index_was_built(db):
    topic = make_topic("Systemic scleroderma")
    assert suggest("¿Qué causa la esclerodermia?").topics == []
    topic.names = {"es": "Esclerodermia"}
    topic.save()
    assert [t.name for t, _ in suggest("¿Qué causa la esclerodermia?").topics] == ["Systemic scleroderma"]
    topic.names = {}
    topic.save()
    assert suggest("¿Qué causa la esclerodermia?").topics == []
