"""Honest dates: "Last updated" only for a date somebody reviewed, and warnings where it is not known."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from library.models import Section, Topic
from replies.composer.services import reply_start
from replies.letter.assembly import assemble_letter
from replies.letter.exports import export_reply
from replies.letter.render import letter_text
from tests.conftest import MEDQUAD_SAMPLE, make_inquiry, make_section, make_standard_texts, make_topic, make_user

UNKNOWN_WARNING = "Nobody knows when these sections were last reviewed"


@pytest.fixture
def medquad_topic(db):
    make_standard_texts()
    call_command("import_medquad", str(MEDQUAD_SAMPLE / "0002176.xml"), stdout=io.StringIO())
    return Topic.objects.get(gard_id=2197)


def test_it_prints_no_last_updated_for_a_medquad_section(medquad_topic, alice, tmp_path):
    inquiry = make_inquiry(question="What is esthesioneuroblastoma?", topics=[medquad_topic], assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="all")
    assert reply.blocks.filter(kind="section").count() == Section.objects.count() > 0
    assert set(reply.blocks.filter(kind="section").values_list("last_updated", flat=True)) == {None}
    assert "Last updated" not in letter_text(assemble_letter(reply))
    out = tmp_path / "letter.txt"
    call_command("export_reply", str(reply.pk), "--format", "txt", "--output", str(out))
    assert "Last updated" not in out.read_text(encoding="utf-8")
    assert "Last updated" not in export_reply(reply, "html").decode()


def test_it_prints_last_updated_for_a_reviewed_section(medquad_topic, alice, lee, login):
    section = Section.objects.filter(topic=medquad_topic).order_by("pk").first()
    login(lee).post(f"/desk/library/sections/{section.pk}/reviewed/")
    inquiry = make_inquiry(question="What is esthesioneuroblastoma?", topics=[medquad_topic], assignee=alice)
    text = letter_text(assemble_letter(reply_start(inquiry=inquiry, by=alice, sections="all")))
    assert text.count("Last updated:") == 1


def test_it_warns_about_unknown_and_stale_dates_when_a_section_is_added(alice, login):
    make_standard_texts()
    topic = make_topic()
    unknown = make_section(topic, "overview", heading="What is it?", last_updated=None)
    old = make_section(topic, "cause", heading="What causes it?", last_updated=date(2001, 1, 1))
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice)
    client = login(alice)
    response = client.post(f"/desk/replies/{reply.pk}/add/section/", {"section": unknown.pk,
                                                                     "version": reply.version}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(UNKNOWN_WARNING in m and "What is it?" in m for m in messages)
    reply.refresh_from_db()
    response = client.post(f"/desk/replies/{reply.pk}/add/section/", {"section": old.pk,
                                                                     "version": reply.version}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("stale" in m and "What causes it?" in m for m in messages)
    html = response.content.decode()
    assert 'id="date-warnings"' in html and "date unknown" in html


def test_it_warns_about_unknown_dates_at_submit_and_at_approval(alice, login):
    make_standard_texts()
    rita = make_user("rita2", "Specialist", "Reviewer")
    topic = make_topic()
    make_section(topic, "overview", heading="What is it?", last_updated=None)
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice, sections="all")
    response = login(alice).post(f"/desk/replies/{reply.pk}/review/submit/", {"version": reply.version}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "Submitted for review." in messages and any(UNKNOWN_WARNING in m for m in messages)
    reply.refresh_from_db()
    response = login(rita).post(f"/desk/replies/{reply.pk}/review/approve/", {"version": reply.version}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "Approved: the reply may be sent." in messages and any(UNKNOWN_WARNING in m for m in messages)


def test_it_says_nothing_about_dates_that_are_known_and_recent(alice, login):
    make_standard_texts()
    topic = make_topic()
    make_section(topic, "overview", heading="What is it?")
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice, sections="all")
    response = login(alice).post(f"/desk/replies/{reply.pk}/review/submit/", {"version": reply.version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Submitted for review."]


def test_it_takes_the_review_date_into_the_letter_on_refresh(alice, lee, login):
    make_standard_texts()
    topic = make_topic()
    section = make_section(topic, "overview", heading="What is it?", last_updated=None)
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice, sections="all")
    assert "Last updated" not in letter_text(assemble_letter(reply))
    login(lee).post(f"/desk/library/sections/{section.pk}/reviewed/")
    desk = login(alice)
    assert "now last updated" in desk.get(reply.get_absolute_url()).content.decode()
    block = reply.blocks.get(section=section)
    desk.post(f"/desk/replies/{reply.pk}/blocks/{block.pk}/refresh/", {"version": reply.version})
    reply.refresh_from_db()
    today = timezone.localdate()
    assert f"Last updated: {today.month}/{today.day}/{today.year}" in letter_text(assemble_letter(reply))
