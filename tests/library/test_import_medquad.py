from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lib.markup import render_text
from library.models import Section, Topic
from tests.conftest import MEDQUAD_SAMPLE

DATA = MEDQUAD_SAMPLE
# ABCD syndrome (a phenotype list), abdominal aortic aneurysm (three answers), esthesioneuroblastoma
# and urachal cyst (every qtype), Emery-Dreifuss (an empty answer).
FILES = [DATA / f"{n}.xml" for n in ("0000004", "0000006", "0002176", "0006290", "0002079")]


def run(*paths) -> str:
    out = StringIO()
    call_command("import_medquad", *[str(p) for p in paths], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_a_handful_of_real_documents(db):
    out = run(*FILES)
    assert out.splitlines()[0] == f"imported 5 topics, {Section.objects.count()} sections"
    assert Section.objects.count() == 1 + 3 + 5 + 5 + 0
    topic = Topic.objects.get(gard_id=9181)
    assert topic.name == "Abdominal aortic aneurysm"
    assert topic.synonyms == ["Aneurysm, abdominal aortic", "Familial abdominal aortic aneurysm"]  # GARD's name too
    assert topic.umls_cuis == ["C0162871"]
    assert {s.kind for s in topic.sections.all()} == {"overview", "symptoms", "inheritance"}
    assert set(Section.objects.values_list("status", flat=True)) == {"published"}


def test_it_maps_qtypes_to_kinds_and_headings(db):
    run(*FILES)
    sections = {s.kind: s for s in Topic.objects.get(gard_id=2197).sections.all()}
    assert set(sections) == {"overview", "symptoms", "cause", "diagnosis", "treatment"}
    assert sections["overview"].heading == "What is Esthesioneuroblastoma?"
    assert sections["treatment"].heading.endswith("?")
    assert not sections["treatment"].body.startswith(sections["treatment"].heading)


def test_it_turns_flattened_lists_back_into_bullets(db):
    run(FILES[0])
    symptoms = Section.objects.get(topic__gard_id=335, kind="symptoms")
    assert "\n- Abnormal auditory evoked potentials\n- Aganglionic megacolon\n" in symptoms.body
    text = render_text(symptoms.body)
    assert "  • Large for gestational age\n\nThe Human Phenotype Ontology (HPO)" in text


def test_it_changes_nothing_on_a_second_run(db):
    run(*FILES)
    before = list(Section.objects.values().order_by("pk"))
    history = Section.history.count()
    out = run(*FILES)
    assert out.splitlines() == ["imported 0 topics, 0 sections", "unchanged 5 topics, 14 sections"]
    assert list(Section.objects.values().order_by("pk")) == before
    assert Section.history.count() == history


def test_it_merges_with_a_topic_of_the_same_gard_id(db):
    Topic.objects.create(name="Familial abdominal aortic aneurysm", gard_id=9181, synonyms=["AAA"])
    run(FILES[1])
    topic = Topic.objects.get(gard_id=9181)
    assert topic.name == "Familial abdominal aortic aneurysm"
    assert topic.synonyms == ["AAA", "Abdominal aortic aneurysm", "Aneurysm, abdominal aortic"]
    assert Topic.objects.count() == 1


def test_it_reads_a_folder(db, tmp_path):
    (tmp_path / "a.xml").write_text(FILES[0].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not XML", encoding="utf-8")
    assert run(tmp_path).startswith("imported 1 topics, 1 sections")


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        (lambda t: t.replace("</Focus>", "</Focus", 1), 4, "well-formed XML"),
        (lambda t: t.replace('qtype="inheritance"', 'qtype="gossip"'), 28, "a qtype among"),
        (lambda t: t.replace("/gard/9181/", "/other/9181/"), 2, "gard/ID"),
        (lambda t: t.replace("Is abdominal aortic aneurysm inherited? ", "", 1), 28, "starts with its heading"),
    ],
)
def test_it_refuses_a_bad_document_and_stores_nothing(db, tmp_path, change, line, expected):
    path = tmp_path / "bad.xml"
    path.write_text(change(FILES[1].read_text(encoding="utf-8")), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_medquad", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:{line}: expected" in err.getvalue()
    assert expected in err.getvalue()
    assert not Topic.objects.exists() and not Section.objects.exists()


def test_it_leaves_the_date_unknown_because_medquad_gives_none(db):
    run(*FILES)
    assert set(Section.objects.values_list("last_updated", flat=True)) == {None}
    assert set(Section.objects.values_list("language", flat=True)) == {"en"}


def test_it_keeps_an_editors_review_date_on_a_second_run(db):
    run(*FILES)
    section = Section.objects.filter(topic__gard_id=2197, kind="cause").get()
    Section.objects.filter(pk=section.pk).update(last_updated=date(2025, 5, 1))
    run(*FILES)
    section.refresh_from_db()
    assert section.last_updated == date(2025, 5, 1)


def test_it_imports_outlook_and_frequency_answers_as_sections_of_their_kind(db, tmp_path):
    text = FILES[1].read_text(encoding="utf-8")
    text = text.replace('qtype="inheritance"', 'qtype="outlook"').replace(
        "Is abdominal aortic aneurysm inherited?", "What is the outlook for abdominal aortic aneurysm?")
    text = text.replace('qtype="symptoms"', 'qtype="frequency"').replace(
        "What are the signs and symptoms of Abdominal aortic aneurysm?", "How common is abdominal aortic aneurysm?")
    path = tmp_path / "outlook.xml"
    path.write_text(text, encoding="utf-8")
    run(path)
    sections = {s.kind: s.heading for s in Topic.objects.get(gard_id=9181).sections.all()}
    assert sections["prognosis"] == "What is the outlook for abdominal aortic aneurysm?"
    assert sections["frequency"] == "How common is abdominal aortic aneurysm?"
