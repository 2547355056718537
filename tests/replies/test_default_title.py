"""The title restates the question from the topic and the kinds asked, never the requester's words."""

import io

import pytest
from django.core.management import call_command

from library.models import Topic
from replies.composer.services import reply_start
from replies.letter.assembly import assemble_letter
from replies.letter.render import letter_text
from tests.conftest import EXAMPLE_LETTER, make_inquiry

PREAMBLE = ("Hello, my father (58) was told by his dermatologist in Springfield that his skin problem is "
            "scleromyxedema. What causes scleromyxedema and how is it treated? Thanks")


@pytest.fixture
def example_topic(db):
    call_command("import_gard", str(EXAMPLE_LETTER), stdout=io.StringIO())
    return Topic.objects.get(name="Scleromyxedema")


def test_it_gives_the_examples_title_without_the_preamble(example_topic, alice, tmp_path):
    inquiry = make_inquiry(question=PREAMBLE, assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    assert reply.title == "What causes scleromyxedema and how is it treated?"
    assert list(inquiry.topics.all()) == [example_topic]  # the letter is about the topic it answers from
    text = letter_text(assemble_letter(reply))
    for private in ("father", "58", "Springfield", "dermatologist", "Hello", "Thanks"):
        assert private not in text
    out = tmp_path / "letter.txt"
    call_command("export_reply", str(reply.pk), "--format", "txt", "--output", str(out))
    assert "father" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("question", "language", "title"), [
    ("What causes scleromyxedema?", "en", "What causes scleromyxedema?"),
    # A statement reads as a request for the overview; with no kind at all the title is
    # "Information about scleromyxedema" (tests/library/test_titles.py).
    ("My aunt (71) has scleromyxedema.", "en", "What is scleromyxedema?"),
    # A Spanish requester's letter (the kinds are read from the English wording here).
    ("I am 40. What causes scleromyxedema and how is it treated?", "es", "¿Qué causa scleromyxedema y cómo se trata?"),
])
def test_it_restates_the_question_in_the_letters_language(example_topic, alice, question, language, title):
    inquiry = make_inquiry(question=question, topics=[example_topic], assignee=alice, language=language)
    assert reply_start(inquiry=inquiry, by=alice).title == title


def test_it_prints_the_requesters_words_only_when_the_specialist_writes_them(example_topic, alice, login):
    inquiry = make_inquiry(question=PREAMBLE, assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    login(alice).post(f"/desk/replies/{reply.pk}/title/", {"title": "Your father's question",
                                                            "version": reply.version})
    reply.refresh_from_db()
    assert "Your father's question" in letter_text(assemble_letter(reply))


def test_it_keeps_a_title_given_when_starting(example_topic, alice, login):
    inquiry = make_inquiry(question=PREAMBLE, assignee=alice)
    login(alice).post(f"/desk/replies/start/{inquiry.pk}/", {"sections": "none", "title": "About your skin"})
    assert inquiry.replies.get().title == "About your skin"
