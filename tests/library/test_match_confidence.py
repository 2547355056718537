"""How sure a suggestion is: a topic named exactly, only through a typo-tolerant reading, or not at all."""

import pytest

from library.suggest import suggest
from tests.conftest import make_section, make_topic


@pytest.fixture
def library(db):
    sclero = make_topic("Scleromyxedema")
    for kind in ("overview", "cause", "treatment"):
        make_section(sclero, kind, body="Scleromyxedema is a rare skin disorder of unknown cause.")
    porphyria = make_topic("Porphyria")
    make_section(porphyria, "overview", body="A syndrome of the blood; the aorta may be involved.")
    return sclero


@pytest.mark.parametrize(("question", "match"), [
    ("What causes scleromyxedema and how is it treated?", "exact"),
    ("What causes SCLEROMYXEDEMA?", "exact"),
    ("What causes scleromixedema?", "fuzzy"),
    ("Is scleromyxoedema inherited?", "fuzzy"),
    ("What is Marfan syndrome? Is the aorta affected?", "none"),
])
def test_it_says_how_the_topic_was_named(library, question, match):
    result = suggest(question)
    assert result.match == match
    assert result.as_json()["match"] == match


def test_it_marks_sections_found_only_by_their_text(library):
    result = suggest("What is Marfan syndrome? Is the aorta affected?")
    assert result.from_search
    assert result.sections  # offered, as suggestions only
    assert not suggest("What causes scleromyxedema?").from_search
