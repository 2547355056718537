"""The center's own letters teach the desk: "Answered before", start from a letter, chosen sections first."""

from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse

from library.models import Section
from library.services import section_update
from replies.answered import similar_letters
from replies.composer.selectors import block_drifts, library_side, stale_block_ids
from replies.composer.services import ReplyError, reply_block_edit, reply_start_from_letter
from replies.models import AnsweredLetter, ReplyBlock
from replies.outbox.deliveries import delivery_queue
from replies.outbox.sending import delivery_send
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic

from .delivery_factories import set_status
from .factories import make_reply

ASKED = "What causes scleromyxedema and how is it treated?"
REWORDED = "My mother was told she has scleromyxedema. Why did she get it, and what treatments are there?"
UNRELATED = "Is Marfan syndrome inherited? Could my children get it?"


@pytest.fixture
def sclero(db):
    topic = make_topic("Scleromyxedema")
    for kind in ("overview", "symptoms", "cause", "treatment"):
        make_section(topic, kind, heading=f"The {kind} of scleromyxedema", last_updated=date(2016, 9, 29))
    make_section(topic, "other", heading="Research on scleromyxedema")
    return topic


@pytest.fixture
def marfan(db):
    topic = make_topic("Marfan syndrome")
    make_section(topic, "inheritance")
    return topic


def send(author, question, topic, kinds, *, edit=None):
    """A letter for the question with the sections of these kinds, sent by the real outbox."""
    inquiry = make_inquiry(question=question, topics=[topic], assignee=author)
    reply = make_reply(author, inquiry=inquiry, sections=kinds)
    if edit:
        block = reply.blocks.get(section__kind=edit)
        reply_block_edit(reply=reply, version=reply.version, by=author, block_id=block.pk, heading=block.heading,
                         body="Edited for this letter.")
        reply.refresh_from_db()
    reply = set_status(reply, "approved")
    # The outbox remembers the letter after its commit (the test's transaction never commits).
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery = delivery_queue(reply=reply, by=author, method="letter", confirm_stale=True)
        delivery_send(delivery_id=delivery.pk)
    return AnsweredLetter.objects.get(reply=reply)


def draft(author, question, topics):
    return make_reply(author, inquiry=make_inquiry(question=question, topics=topics, assignee=author), sections="none")


def test_it_remembers_the_question_topics_and_sections_of_a_sent_letter(alice, sclero):
    letter = send(alice, ASKED, sclero, ["cause", "treatment"])
    assert letter.question == ASKED
    assert list(letter.topics.all()) == [sclero]
    assert {s.kind for s in letter.sections.all()} == {"cause", "treatment"}
    assert letter.sent_at is not None and len(bytes(letter.vector)) == 512


def test_it_finds_a_letter_for_a_reworded_question_not_for_an_unrelated_one(alice, sclero, marfan):
    letter = send(alice, ASKED, sclero, ["cause", "treatment"])
    assert [s.letter for s in similar_letters(REWORDED, [sclero.pk])] == [letter]
    assert [s.letter for s in similar_letters(REWORDED, [])] == [letter]  # by the words alone too
    assert similar_letters(UNRELATED, [marfan.pk]) == []
    assert similar_letters(UNRELATED, []) == []


def test_it_shows_the_letters_answered_before_with_date_and_sections(alice, sclero, login):
    letter = send(alice, ASKED, sclero, ["cause", "treatment"])
    reply = draft(alice, REWORDED, [sclero])
    html = login(alice).get(reply.get_absolute_url()).content.decode()
    assert "Answered before" in html
    assert f"sent {letter.sent_at:%-m/%-d/%Y}" in html
    assert "The cause of scleromyxedema" in html and "The treatment of scleromyxedema" in html
    assert "Start from this letter" in html
    other = draft(alice, UNRELATED, [])
    assert "No letter sent for a similar question yet." in login(alice).get(other.get_absolute_url()).content.decode()


def test_it_moves_up_the_sections_chosen_for_similar_questions_and_says_why(alice, sclero):
    reply = draft(alice, REWORDED, [sclero])
    before = [item.section.heading for item in library_side(reply).suggestions]
    assert before.index("Research on scleromyxedema") > before.index("The overview of scleromyxedema")
    send(alice, ASKED, sclero, ["cause", "treatment", "other"])
    after = library_side(reply).suggestions
    headings = [item.section.heading for item in after]
    assert headings.index("Research on scleromyxedema") < headings.index("The overview of scleromyxedema")
    why = {item.section.kind: item.why for item in after}
    assert why["cause"] == "asked: cause · used in 1 letter on this topic · chosen for 1 similar question"
    assert why["overview"] == ""


def test_it_starts_from_a_letter_with_its_copies_as_sent_and_warns_of_drift_and_age(alice, lee, sclero, login):
    letter = send(alice, ASKED, sclero, ["cause", "treatment"], edit="cause")
    treatment = Section.objects.get(topic=sclero, kind="treatment")
    section_update(section=treatment, by=lee, heading=treatment.heading, body="New treatments since the letter.",
                   keep_date=True)
    make_standard_texts()
    reply = draft(alice, REWORDED, [sclero])
    response = login(alice).post(reverse("replies:start_from_letter", args=[reply.pk]),
                                 {"version": reply.version, "letter": letter.pk}, follow=True)
    assert "Copied the sections of the letter sent" in response.content.decode()
    blocks = list(reply.blocks.order_by("position"))
    assert [b.section.kind if b.section_id else b.standard_kind for b in blocks] == [
        "letterhead", "greeting", "cause", "treatment", "closing", "signature", "disclaimer"]
    copied = blocks[2:4]
    cause = copied[0]
    assert cause.body == "Edited for this letter." and cause.locally_edited  # as it was sent
    assert list(block_drifts(blocks)) == [copied[1].pk]  # the library changed since that letter
    assert stale_block_ids(blocks) == {b.pk for b in copied}  # 2016: older than the threshold
    assert reply.inquiry.events.filter(action="reply.started_from_letter").count() == 1


def test_it_copies_nothing_twice_and_not_into_the_same_inquiry(alice, sclero):
    letter = send(alice, ASKED, sclero, ["cause", "treatment"])
    reply = draft(alice, REWORDED, [sclero])
    assert reply_start_from_letter(reply=reply, version=reply.version, by=alice, letter=letter) == 2
    count = reply.blocks.count()
    with pytest.raises(ReplyError, match="in this one already"):
        reply_start_from_letter(reply=reply, version=reply.version, by=alice, letter=letter)
    assert reply.blocks.count() == count
    again = make_reply(alice, inquiry=letter.reply.inquiry, sections="none")
    with pytest.raises(ReplyError, match="answered this inquiry"):
        reply_start_from_letter(reply=again, version=again.version, by=alice, letter=letter)


def test_it_refuses_a_letter_that_is_not_in_the_archive(alice, sclero, login):
    reply = draft(alice, REWORDED, [sclero])
    response = login(alice).post(reverse("replies:start_from_letter", args=[reply.pk]),
                                 {"version": reply.version, "letter": 999999}, follow=True)
    assert "That letter is not in the archive." in response.content.decode()
    assert not reply.blocks.filter(kind=ReplyBlock.Kind.SECTION).exists()
