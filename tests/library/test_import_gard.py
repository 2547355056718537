from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lib.markup import render_text
from library.models import Reference, Section, StandardText, Topic
from tests.conftest import EXAMPLE_LETTER


def run(*files) -> str:
    out = StringIO()
    call_command("import_gard", *[str(f) for f in files], stdout=out, stderr=StringIO())
    return out.getvalue()


def bad_copy(tmp_path, old: str, new: str) -> Path:
    text = EXAMPLE_LETTER.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def frame_texts():
    """The standard texts a page can bring (the no-match paragraphs come with the migrations)."""
    return StandardText.objects.filter(kind__in=StandardText.FRAME_KINDS)


def assert_nothing_stored():
    assert not Topic.objects.exists()
    assert not Section.objects.exists()
    assert not Reference.objects.exists()
    assert not frame_texts().exists()


def test_it_imports_the_example_page(db):
    assert run(EXAMPLE_LETTER).startswith("imported 1 topics, 4 sections")

    topic = Topic.objects.get()
    assert topic.name == "Scleromyxedema"
    sections = sorted(topic.sections.all(), key=lambda s: Section.kind_order(s.kind))
    assert [s.kind for s in sections] == ["overview", "symptoms", "cause", "treatment"]
    assert [s.last_updated for s in sections] == [date(2016, 9, 29), date(2016, 9, 29), date(2017, 3, 13),
                                                  date(2016, 9, 29)]
    assert {s.status for s in sections} == {"published"}
    assert sections[0].heading == "What is scleromyxedema?"
    assert "(IVIG)plasmapheresis" in sections[0].body
    assert sorted(Reference.objects.values_list("key", flat=True)) == [
        "koronowska2013", "liotta2016", "rongioletti2015", "tan2008"]
    assert "[@rongioletti2015][@koronowska2013]" in sections[0].body
    assert "[1]" not in sections[0].body
    assert [r.key for r in sections[2].references.order_by("key")] == ["koronowska2013", "rongioletti2015", "tan2008"]


def test_it_keeps_the_bullet_list_and_renders_it_back(db):
    run(EXAMPLE_LETTER)
    symptoms = Section.objects.get(kind="symptoms")
    assert symptoms.body.count("\n- ") == 8
    numbers = {"rongioletti2015": 1, "koronowska2013": 2, "liotta2016": 3, "tan2008": 4}
    text = render_text(symptoms.body, numbers=numbers)
    assert "  • Esophageal aperistalsis (absence of muscular contractions that help us swallow)" in text
    assert text.endswith("  • Heart abnormalities.")
    assert text.startswith("Scleromyxedema usually affects people between the ages of 30 and 50.[3] Skin")


def test_it_keeps_closing_signature_disclaimer_and_letterhead_as_standard_texts(db):
    run(EXAMPLE_LETTER)
    texts = {t.kind: t for t in frame_texts()}
    assert texts["closing"].body.startswith("We hope this information is helpful.")
    assert texts["signature"].body == "Warm regards,\nGARD Information Specialist"
    assert texts["disclaimer"].body == "Please see our Disclaimer."
    assert texts["letterhead"].body.startswith("National Center for Advancing and Translational Sciences")
    assert all(t.is_default and t.language == "en" for t in texts.values())


def test_it_changes_nothing_on_a_second_import(db):
    run(EXAMPLE_LETTER)
    history = Section.history.count()
    before = list(Section.objects.values().order_by("pk"))
    out = run(EXAMPLE_LETTER)
    assert out.startswith("imported 0 topics, 0 sections")
    assert "unchanged 1 topics, 4 sections" in out
    assert list(Section.objects.values().order_by("pk")) == before
    assert Section.history.count() == history
    assert frame_texts().count() == 4 and Reference.objects.count() == 4


def test_it_does_not_make_a_second_default_standard_text(db):
    StandardText.objects.create(kind="closing", language="en", name="Ours", body="Bye.", is_default=True)
    run(EXAMPLE_LETTER)
    imported = StandardText.objects.get(kind="closing", name="GARD")
    assert not imported.is_default


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("Last updated: 3/13/2017", "Last updated: 13/13/2017", 35, "M/D/YYYY"),
        ("What causes scleromyxedema?\n", "\n", 34, "section heading"),
        ("leukemia.[4]", "leukemia.[7]", 34, "reference numbered 7"),
        ("it treated?\n", "it treated.\n", 7, "question"),
    ],
)
def test_it_refuses_a_malformed_page_naming_file_and_line(db, tmp_path, capsys, old, new, line, expected):
    path = bad_copy(tmp_path, old, new)
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_gard", str(path), stdout=StringIO(), stderr=err)
    message = err.getvalue()
    assert f"{path}:{line}: expected" in message
    assert expected in message
    assert_nothing_stored()


def test_it_imports_good_files_and_reports_the_bad_one(db, tmp_path):
    bad = bad_copy(tmp_path, "Last updated: 3/13/2017", "Last updated: yesterday")
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_gard", str(bad), str(EXAMPLE_LETTER), stdout=StringIO(), stderr=err)
    assert str(bad) in err.getvalue()
    assert Section.objects.count() == 4


def test_it_dates_sections_from_the_page_only_and_imports_a_spanish_page(db, tmp_path):
    spanish = tmp_path / "es.txt"
    spanish.write_text(EXAMPLE_LETTER.read_text(encoding="utf-8").replace("Scleromyxedema\n", "Escleromixedema\n", 1),
                       encoding="utf-8")
    call_command("import_gard", str(spanish), "--language", "es", stdout=StringIO(), stderr=StringIO())
    topic = Topic.objects.get(name="Escleromixedema")
    assert topic.language == "es"
    assert {s.language for s in topic.sections.all()} == {"es"}
    assert date(2017, 3, 13) in {s.last_updated for s in topic.sections.all()}
    assert set(frame_texts().values_list("language", flat=True)) == {"es"}
