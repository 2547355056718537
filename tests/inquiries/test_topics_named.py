"""A new inquiry's topics are those its question names as the library spells them; a reading
through a typo is left for the specialist's "did you mean ...?"."""

import pytest

from inquiries.services import inquiry_create
from tests.conftest import make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("question", "named"), [
    ("What causes scleromyxedema and how is it treated?", ["Scleromyxedema"]),
    ("What causes scleromixedema and how is it treated?", []),
])
def test_it_takes_only_topics_named_exactly(question, named):
    make_topic("Scleromyxedema")
    inquiry = inquiry_create(name="Jane Doe", email="jane@example.org", question=question)
    assert [t.name for t in inquiry.topics.all()] == named
