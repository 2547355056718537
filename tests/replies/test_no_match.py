"""No match, no fact sheets: a question about a disease the library does not have gets no
section; the composer says so and offers suggestions and the center's paragraphs instead."""

import io

import pytest
from django.core.management import call_command

from inquiries.models import Inquiry
from lib import roles
from library.models import StandardText
from replies.composer.services import reply_start
from replies.letter.assembly import assemble_letter
from replies.letter.render import letter_text
from replies.models import Reply
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic, make_user

MARFAN = "My son was just diagnosed with Marfan syndrome. What causes it and how is the aorta treated?"


@pytest.fixture
def library(db):
    """Topics whose texts share words with the question (aorta, treatment, causes), none of them Marfan."""
    make_standard_texts()
    aneurysm = make_topic("Familial thoracic aortic aneurysm")
    make_section(aneurysm, "overview", heading="What is familial thoracic aortic aneurysm?",
                 body="A widening of the aorta. Its causes are genetic.")
    make_section(aneurysm, "treatment", heading="How is it treated?", body="The aorta is treated by surgery.")
    sclero = make_topic("Scleromyxedema")
    for kind in ("overview", "cause", "treatment"):
        make_section(sclero, kind, heading=f"{kind} of scleromyxedema?", body="Scleromyxedema is treated with IVIG.")
    return sclero


def section_blocks(reply: Reply):
    return list(reply.blocks.filter(kind="section"))


def test_it_drafts_no_fact_sheet_for_a_disease_not_in_the_library(library, alice):
    inquiry = make_inquiry(question=MARFAN, assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    assert section_blocks(reply) == []
    text = letter_text(assemble_letter(reply))
    assert "Last updated" not in text and "aorta" not in text
    assert reply.title == "Your question" and "son" not in text


def test_it_flags_research_needed_on_the_inquiry(library, alice):
    inquiry = make_inquiry(question=MARFAN, assignee=alice)
    reply_start(inquiry=inquiry, by=alice, sections="auto")
    inquiry.refresh_from_db()
    assert inquiry.research_needed
    assert inquiry.events.filter(action="inquiry.research_needed").count() == 1


def test_it_drafts_no_fact_sheet_from_the_commands(library, alice, capsys):
    first = make_inquiry(question=MARFAN, assignee=alice)
    call_command("draft_reply", str(first.pk), "--sections", "auto")
    reply = Reply.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert section_blocks(reply) == []
    second = make_inquiry(question=MARFAN, assignee=alice)
    call_command("draft_replies", "--status", Inquiry.Status.ASSIGNED, stdout=io.StringIO())
    assert section_blocks(second.replies.get()) == []


def test_it_drafts_from_a_topic_named_exactly(library, alice):
    inquiry = make_inquiry(question="What causes scleromyxedema and how is it treated?", assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    assert [b.section.kind for b in section_blocks(reply)] == ["overview", "cause", "treatment"]
    inquiry.refresh_from_db()
    assert not inquiry.research_needed


def test_it_says_no_topic_matched_and_offers_suggestions_and_paragraphs(library, alice, login, no_match_texts):
    inquiry = make_inquiry(question=MARFAN, assignee=alice)
    client = login(alice)
    response = client.post(f"/desk/replies/start/{inquiry.pk}/", {"sections": "auto"})
    reply = Reply.objects.get(inquiry=inquiry)
    assert response["Location"] == reply.get_absolute_url()
    assert section_blocks(reply) == []
    page = client.get(reply.get_absolute_url())
    html = page.content.decode()
    assert 'id="no-topic-matched"' in html and "No topic matched." in html
    assert "The inquiry is marked “research needed”." in html
    assert "Suggestions only: found by words of the question, not by a topic" in html
    assert page.context["library"].suggestions  # offered, never added
    english = [text for text in no_match_texts if text.language == "en"]
    assert len(english) == 3
    for text in english:
        assert f'name="standard_text" value="{text.pk}"' in html


def test_it_adds_a_no_match_paragraph_as_body_text(library, alice, login, no_match_texts):
    inquiry = make_inquiry(question=MARFAN, assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    referral = StandardText.objects.get(kind="referral", language="en", is_default=True)
    login(alice).post(f"/desk/replies/{reply.pk}/add/standard/", {"standard_text": referral.pk,
                                                                  "version": reply.version})
    letter = assemble_letter(reply)
    assert [b.standard_kind for b in letter.body] == ["referral"]  # in the body, before the closing
    assert "genetic counselor" in letter_text(letter)


def test_it_offers_the_paragraphs_in_the_letters_language(library, alice, login, no_match_texts):
    make_standard_texts("es")
    inquiry = make_inquiry(question=MARFAN, assignee=alice, language="es")
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    side = login(alice).get(reply.get_absolute_url()).context["library"]
    assert {t.language for t in side.no_match_texts} == {"es"}
    assert {t.kind for t in side.no_match_texts} == set(StandardText.NO_MATCH_KINDS)


def test_it_asks_did_you_mean_for_a_typo_and_uses_the_topic_after_a_click(library, alice, login):
    inquiry = make_inquiry(question="What causes scleromixedema?", assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    assert section_blocks(reply) == [] and reply.title == "Your question"
    inquiry.refresh_from_db()
    assert not inquiry.research_needed and not inquiry.topics.exists()
    client = login(alice)
    page = client.get(reply.get_absolute_url())
    assert 'id="did-you-mean"' in page.content.decode()
    assert page.context["library"].did_you_mean == [library]

    response = client.post(f"/desk/replies/{reply.pk}/use-topic/", {"topic": library.pk, "version": reply.version})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert [b.section.kind for b in section_blocks(reply)] == ["overview", "cause"]
    assert reply.title == "What causes scleromyxedema?"
    assert list(inquiry.topics.all()) == [library]
    assert inquiry.events.filter(action="reply.topic_confirmed").exists()
    assert assemble_letter(reply).closing  # the new sections went before the closing texts
    assert [b.standard_kind for b in reply.blocks.all()][-3:] == ["closing", "signature", "disclaimer"]


def test_it_refuses_use_topic_on_get_and_for_a_reviewer_only(library, alice, login):
    inquiry = make_inquiry(question="What causes scleromixedema?", assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    url = f"/desk/replies/{reply.pk}/use-topic/"
    assert login(alice).get(url).status_code == 405
    vera = make_user("vera", roles.REVIEWER)
    assert login(vera).post(url, {"topic": library.pk, "version": reply.version}).status_code == 403
    assert section_blocks(reply) == []
