import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inquiries.models import Inquiry
from replies.models import Reply
from tests.conftest import make_inquiry, make_reference, make_section, make_standard_texts, make_topic


@pytest.fixture
def library(db):
    make_standard_texts()
    topic = make_topic()
    make_reference("ref1")
    make_section(topic, "overview", body="An overview.[@ref1]")
    make_section(topic, "cause", body="The cause.")
    make_section(topic, "treatment", body="The treatment.")
    return topic


def kinds_of(reply):
    return [b.section.kind for b in reply.blocks.filter(kind="section").select_related("section")]


def test_it_drafts_a_reply_with_all_sections(library, capsys):
    inquiry = make_inquiry(topics=[library])
    call_command("draft_reply", str(inquiry.pk), "--sections", "all")
    reply = Reply.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert kinds_of(reply) == ["overview", "cause", "treatment"]
    # The question restated; the name written as the library's headings write it ("Overview of Scleromyxedema").
    assert reply.title == "What causes Scleromyxedema and how is it treated?"
    assert reply.blocks.filter(kind="standard").count() == 5


def test_it_drafts_the_kinds_asked_for(library, capsys):
    inquiry = make_inquiry(topics=[library])
    call_command("draft_reply", str(inquiry.pk), "--sections", "treatment,cause")
    reply = Reply.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert kinds_of(reply) == ["cause", "treatment"]


def test_it_refuses_an_unknown_kind_or_inquiry(library):
    inquiry = make_inquiry(topics=[library])
    with pytest.raises(CommandError):
        call_command("draft_reply", str(inquiry.pk), "--sections", "gossip")
    with pytest.raises(CommandError):
        call_command("draft_reply", "999999")
    assert not Reply.objects.exists()


def test_it_drafts_every_new_inquiry_once(library, capsys, alice):
    new = [make_inquiry(topics=[library], status=Inquiry.Status.NEW) for _ in range(3)]
    assigned = make_inquiry(topics=[library], status=Inquiry.Status.ASSIGNED, assignee=alice)
    call_command("draft_reply", str(new[0].pk), "--sections", "none")
    call_command("draft_replies", "--status", "new")
    assert "drafted 2 replies" in capsys.readouterr().out
    assert [Reply.objects.filter(inquiry=i).count() for i in new] == [1, 1, 1]
    assert not Reply.objects.filter(inquiry=assigned).exists()
    call_command("draft_replies", "--status", "new")
    assert "drafted 0 replies" in capsys.readouterr().out
    assert Reply.objects.count() == 3
    assert {i.status for i in Inquiry.objects.filter(pk__in=[i.pk for i in new])} == {"new"}
