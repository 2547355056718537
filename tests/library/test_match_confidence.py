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


def test_it_drafts_only_from_topics_named_exactly(library):
    assert suggest("What causes scleromyxedema?").exact_topics == [library]
    assert suggest("What causes scleromixedema?").exact_topics == []
    result = suggest("What is Marfan syndrome? Is the aorta affected?")
    assert result.exact_topics == [] and result.sections  # found by their words: suggestions only
