from datetime import date

import pytest
from django.utils import timezone

from library.models import Section, StandardText
from tests.conftest import make_reference, make_section, make_topic


@pytest.fixture
def editor(lee, login):
    lee.is_staff = True
    lee.save(update_fields=["is_staff"])
    return login(lee)


def section_form(section, **changes) -> dict:
    data = {"topic": section.topic_id, "kind": section.kind, "language": section.language,
            "heading": section.heading, "body": section.body, "status": section.status,
            "references": [r.pk for r in section.references.all()]}
    data.update(changes)
    data = {k: v for k, v in data.items() if v not in (None, False)}
    return {**data, "_save": "Save"}


def test_it_lists_sections_with_filters_and_a_stale_marker(editor):
    old = make_section(heading="Old one?", last_updated=date(2001, 1, 1))
    make_section(old.topic, "cause", heading="Fresh one?", last_updated=timezone.localdate())
    make_section(old.topic, "symptoms", heading="Undated one?", last_updated=None)
    response = editor.get("/admin/library/section/", {"review": "stale"})
    assert response.status_code == 200
    assert b"Old one?" in response.content and b"Fresh one?" not in response.content
    assert b"Undated one?" not in response.content
    response = editor.get("/admin/library/section/", {"review": "needed"})
    assert b"Old one?" in response.content and b"Undated one?" in response.content
    assert b"Fresh one?" not in response.content
    response = editor.get("/admin/library/section/", {"kind__exact": "cause", "status__exact": "published"})
    assert b"Fresh one?" in response.content and b"Old one?" not in response.content


def test_it_searches_topics_with_typos(editor):
    make_topic("Scleromyxedema")
    response = editor.get("/admin/library/topic/", {"q": "scleromyxoedema"})
    assert b"Scleromyxedema" in response.content


def test_it_previews_a_section_rendered_with_its_references(editor):
    ref = make_reference(text="Koronowska SK. Scleromyxedema. 2013.")
    section = make_section(body="A **rare** disorder.[@koronowska2013]")
    section.references.add(ref)
    response = editor.get(f"/admin/library/section/{section.pk}/change/")
    assert b"<strong>rare</strong>" in response.content
    assert b'href="#ref-1"' in response.content
    assert b"<li>Koronowska SK. Scleromyxedema. 2013.</li>" in response.content


def test_it_moves_the_date_on_edit_unless_kept(editor):
    section = make_section(body="Old.")
    response = editor.post(f"/admin/library/section/{section.pk}/change/", section_form(section, body="Typo."))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.last_updated == timezone.localdate()

    other = make_section(section.topic, "cause", body="Old.", last_updated=date(2016, 9, 29))
    editor.post(f"/admin/library/section/{other.pk}/change/", section_form(other, body="Fixed.", keep_date="on"))
    other.refresh_from_db()
    assert (other.body, other.last_updated) == ("Fixed.", date(2016, 9, 29))


def test_it_cites_a_picked_reference_and_keeps_references_in_sync(editor):
    ref = make_reference()
    section = make_section(body="Text.")
    editor.post(f"/admin/library/section/{section.pk}/change/", section_form(section, references=[ref.pk]))
    section.refresh_from_db()
    assert section.body == "Text.[@koronowska2013]"
    assert list(section.references.all()) == [ref]


def test_it_refuses_an_unknown_citation(editor):
    section = make_section(body="Text.")
    response = editor.post(f"/admin/library/section/{section.pk}/change/",
                           section_form(section, body="Text [@ghost2020]."))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
    section.refresh_from_db()
    assert section.body == "Text."


def test_it_adds_a_section(editor):
    topic = make_topic()
    response = editor.post("/admin/library/section/add/", {"topic": topic.pk, "kind": "overview", "language": "en",
                                                            "heading": "What is it?", "body": "New.",
                                                            "status": "draft", "_save": "Save"})
    assert response.status_code == 302
    assert Section.objects.get().history.first().history_user.username == "lee"


def test_it_shows_history_with_changes(editor):
    section = make_section(body="One.")
    editor.post(f"/admin/library/section/{section.pk}/change/", section_form(section, body="Two."))
    response = editor.get(f"/admin/library/section/{section.pk}/history/")
    assert response.status_code == 200
    assert b"lee" in response.content and b"Two." in response.content


def test_it_refuses_a_standard_text_with_an_unknown_placeholder(editor):
    response = editor.post("/admin/library/standardtext/add/", {"kind": "greeting", "language": "en",
                                                                 "name": "Hi", "body": "Dear {name},",
                                                                 "_save": "Save"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"].as_data()[0].code == "unknown_placeholder"
    assert not StandardText.objects.filter(kind="greeting").exists()


def test_it_makes_a_reference_key_from_the_text(editor):
    make_reference("tan2008", "Someone else.")
    response = editor.post("/admin/library/reference/add/", {"text": "Eugene Tan. Lichen. DermNet NZ. 2008;",
                                                              "_save": "Save"})
    assert response.status_code == 302
    from library.models import Reference

    assert Reference.objects.filter(key="tan2008b").exists()
