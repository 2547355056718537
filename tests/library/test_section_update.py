from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from library.services import section_update
from tests.conftest import make_reference, make_section


def test_it_moves_last_updated_to_today_when_the_body_changes(lee):
    section = make_section(body="Old text.")
    section = section_update(section=section, by=lee, heading=section.heading, body="New text.")
    assert section.last_updated == timezone.localdate()
    section.refresh_from_db()
    assert section.body == "New text."


def test_it_keeps_the_date_when_asked(lee):
    section = make_section(body="Typo hree.", last_updated=date(2016, 9, 29))
    section = section_update(section=section, by=lee, heading=section.heading, body="Typo here.", keep_date=True)
    section.refresh_from_db()
    assert section.last_updated == date(2016, 9, 29)


def test_it_keeps_the_date_when_only_the_heading_changes(lee):
    section = make_section(last_updated=date(2016, 9, 29))
    section_update(section=section, by=lee, heading="What is it?", body=section.body)
    section.refresh_from_db()
    assert section.last_updated == date(2016, 9, 29)


def test_it_syncs_references_with_citations(lee):
    ref = make_reference()
    other = make_reference("tan2008", "Eugene Tan. 2008.")
    section = make_section(body="Text.")
    section.references.add(other)
    section_update(section=section, by=lee, heading=section.heading, body="Text.[@koronowska2013]")
    assert list(section.references.all()) == [ref]


def test_it_refuses_an_unknown_citation_and_changes_nothing(lee):
    section = make_section(body="Text.")
    with pytest.raises(ValidationError) as caught:
        section_update(section=section, by=lee, heading=section.heading, body="Text.[@nobody1999]")
    assert caught.value.code == "unknown_reference"
    section.refresh_from_db()
    assert section.body == "Text."


def test_it_keeps_history_with_who_changed_it(lee):
    section = make_section(body="One.")
    section_update(section=section, by=lee, heading=section.heading, body="Two.")
    records = list(section.history.order_by("history_date"))
    assert [r.body for r in records] == ["One.", "Two."]
    assert records[-1].history_user == lee
    diff = records[-1].diff_against(records[0])
    assert "body" in diff.changed_fields
