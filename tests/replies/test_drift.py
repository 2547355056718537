from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.models import Section
from library.services import section_update
from replies.composer.selectors import block_drifts, stale_block_ids
from replies.composer.services import ReplyError, reply_block_edit, reply_block_refresh
from replies.models import ReplyBlock

from .factories import make_reply


def edit_library(section: Section, lee, body: str) -> Section:
    return section_update(section=section, by=lee, heading=section.heading, body=body)


def test_it_sees_no_drift_in_a_fresh_copy(alice):
    reply = make_reply(alice)
    assert block_drifts(list(reply.blocks.all())) == {}


def test_it_sees_a_section_changed_in_the_library(alice, lee):
    reply = make_reply(alice)
    block = reply.blocks.get(section__kind="overview")
    edit_library(block.section, lee, "A new overview with <b>tags</b>.")
    drifts = block_drifts(list(reply.blocks.all()))
    assert list(drifts) == [block.pk]
    drift = drifts[block.pk]
    assert drift.changed_at == block.section.history.latest().history_date
    assert "<del>An overview.[@ref1]</del>" in drift.diff
    assert "<ins>A new overview with &lt;b&gt;tags&lt;/b&gt;.</ins>" in drift.diff
    assert not drift.locally_edited


def test_it_ignores_a_save_that_changed_nothing_a_letter_shows(alice):
    reply = make_reply(alice)
    block = reply.blocks.get(section__kind="overview")
    block.section.save()  # a new history row, same text
    assert block_drifts(list(reply.blocks.all())) == {}


def test_it_finds_drift_in_one_query_for_any_number_of_blocks(alice, lee):
    reply = make_reply(alice)
    for block in reply.blocks.all():
        if block.section_id:
            edit_library(block.section, lee, block.body + " More.")
    blocks = list(reply.blocks.select_related("section"))
    with CaptureQueriesContext(connection) as queries:
        drifts = block_drifts(blocks)
    assert len(drifts) == 2 and len(queries) == 1


def test_it_reads_no_history_while_every_copy_reads_as_its_section(alice, lee):
    reply = make_reply(alice)
    blocks = list(reply.blocks.select_related("section"))
    with CaptureQueriesContext(connection) as queries:
        assert block_drifts(blocks) == {}
    assert len(queries) == 0
    overview = next(b for b in blocks if b.section_id and b.section.kind == "overview")
    edit_library(overview.section, lee, "Rewritten.")
    blocks = list(reply.blocks.select_related("section"))  # as a page reads them
    with CaptureQueriesContext(connection) as queries:
        assert list(block_drifts(blocks)) == [overview.pk]
    assert len(queries) == 1


def test_it_sees_a_retired_section_whose_text_did_not_change(alice):
    reply = make_reply(alice)
    block = reply.blocks.get(section__kind="overview")
    block.section.status = Section.Status.RETIRED
    block.section.save()
    drifts = block_drifts(list(reply.blocks.all()))
    assert list(drifts) == [block.pk] and drifts[block.pk].retired


def test_it_shows_drift_in_the_composer_and_refreshes(alice, lee, login):
    reply = make_reply(alice)
    block = reply.blocks.get(section__kind="overview")
    edit_library(block.section, lee, "Rewritten.")
    client = login(alice)
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "changed on" in html and "Refresh from the library" in html
    r = client.post(f"/desk/replies/{reply.pk}/blocks/{block.pk}/refresh/", {"version": 1})
    assert r.status_code == 302
    block.refresh_from_db()
    assert block.body == "Rewritten."
    assert block.source_history_id == block.section.history.latest().history_id
    assert block_drifts(list(reply.blocks.all())) == {}


def test_it_asks_before_replacing_local_edits(alice, lee):
    reply = make_reply(alice)
    block = reply.blocks.get(section__kind="overview")
    reply_block_edit(reply=reply, version=1, by=alice, block_id=block.pk, heading=block.heading, body="Mine.")
    edit_library(block.section, lee, "Theirs.")
    assert block_drifts(list(reply.blocks.all()))[block.pk].locally_edited
    try:
        reply_block_refresh(reply=reply, version=2, by=alice, block_id=block.pk)
    except ReplyError:
        pass
    else:
        raise AssertionError("refreshed over local edits without confirmation")
    block.refresh_from_db()
    assert block.body == "Mine."
    reply_block_refresh(reply=reply, version=2, by=alice, block_id=block.pk, confirm=True)
    block.refresh_from_db()
    assert (block.body, block.locally_edited) == ("Theirs.", False)


def test_it_marks_stale_sections(alice, login, settings):
    settings.LIBRARY_STALE_AFTER_DAYS = 365
    reply = make_reply(alice)
    old = reply.blocks.get(section__kind="cause")
    ReplyBlock.objects.filter(pk=old.pk).update(last_updated=date(2016, 9, 29))
    blocks = list(reply.blocks.all())
    assert stale_block_ids(blocks) == {old.pk}
    html = login(alice).get(reply.get_absolute_url()).content.decode()
    assert "Older than the library" in html
    settings.LIBRARY_STALE_AFTER_DAYS = 365 * 50
    assert stale_block_ids(blocks) == set()
