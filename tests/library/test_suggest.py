import json
from io import StringIO

import pytest
from django.core.management import call_command

from library.corrections import kind_correct
from library.suggest import suggest
from tests.conftest import make_section, make_topic


@pytest.fixture
def library(db):
    sclero = make_topic("Scleromyxedema")
    for kind in ("overview", "symptoms", "cause", "treatment"):
        make_section(sclero, kind)
    make_section(sclero, "inheritance", status="draft")
    marfan = make_topic("Marfan syndrome", synonyms=["MFS"])
    make_section(marfan, "overview")
    make_section(marfan, "inheritance")
    make_topic("Marfan")  # a shorter name inside the longer one
    aaa = make_topic("Familial abdominal aortic aneurysm", synonyms=["Abdominal aortic aneurysm"])
    make_section(aaa, "overview", body="An aneurysm of the aorta.")
    make_topic("ALL", synonyms=["Acute lymphoblastic leukemia"])  # an abbreviation that is a common word
    return sclero


def topic_names(result):
    return [t.name for t, _ in result.topics]


def test_it_ranks_the_topic_and_the_asked_kinds_first(library):
    result = suggest("What causes scleromyxedema and how is it treated?")
    assert topic_names(result)[0] == "Scleromyxedema"
    assert result.kinds == ["cause", "treatment"]
    kinds = [s.kind for s, _ in result.sections]
    assert kinds[:2] == ["cause", "treatment"]
    assert kinds[2] == "overview"
    assert set(kinds) == {"overview", "symptoms", "cause", "treatment"}  # published only


@pytest.mark.parametrize("question", ["is scleromixedema inherited", "Is SCLEROMYXOEDEMA inherited?"])
def test_it_tolerates_typos(library, question):
    result = suggest(question)
    assert topic_names(result) == ["Scleromyxedema"]
    assert result.kinds == ["inheritance"]
    assert result.sections[0][0].kind == "overview"  # always offered, even when the kind is missing


def test_it_prefers_the_longest_name_and_finds_several_topics(library):
    question = (
        "Hello, I hope you can help. My daughter has Marfan syndrome and my father had an abdominal aortic "
        "aneurysm last year, and all of us are worried. Could my children inherit it? Thank you so much."
    )
    result = suggest(question)
    assert sorted(topic_names(result)) == ["Familial abdominal aortic aneurysm", "Marfan syndrome"]
    assert "inheritance" in result.kinds
    assert result.sections[0][0].kind == "inheritance"
    assert {s.kind for s, _ in result.sections} >= {"overview", "inheritance"}


def test_it_matches_an_abbreviation_only_when_typed_as_one(library):
    assert topic_names(suggest("What is ALL?")) == ["ALL"]
    assert "ALL" not in topic_names(suggest("what is all of this about scleromyxedema"))


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("What is the life expectancy for Marfan syndrome?", ["prognosis"]),
        ("What is the outlook?", ["prognosis"]),
        ("Is there a cure or a medication?", ["treatment"]),
        ("What are the signs? What to expect?", ["symptoms"]),
        ("Will it be passed on to my children? Is it genetic?", ["inheritance"]),
        ("How is it diagnosed? Can it be tested?", ["diagnosis"]),
        ("What is Marfan syndrome?", ["overview"]),
    ],
)
def test_it_reads_the_kinds_asked_for(library, question, kinds):
    assert suggest(question).kinds == kinds


def test_it_falls_back_to_section_text_when_no_topic_is_named(library):
    result = suggest("something about the aorta")
    assert result.topics == []
    assert [s.topic.name for s, _ in result.sections] == ["Familial abdominal aortic aneurysm"]


def test_it_gives_the_json_shape(library):
    data = suggest("What causes scleromyxedema?").as_json()
    assert set(data) == {"question", "match", "topics", "kinds", "sections"}
    assert set(data["topics"][0]) == {"id", "name", "score"}
    assert set(data["sections"][0]) == {"id", "topic", "kind", "heading", "score"}


def test_it_answers_on_the_command_line(library, tmp_path):
    out = StringIO()
    call_command("suggest", "What causes scleromyxedema and how is it treated?", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["topics"][0]["name"] == "Scleromyxedema"
    assert [s["kind"] for s in data["sections"][:2]] == ["cause", "treatment"]

    path = tmp_path / "questions.txt"
    path.write_text("What causes scleromyxedema?\n\nIs Marfan syndrome inherited?\n", encoding="utf-8")
    out = StringIO()
    call_command("suggest", "--file", str(path), "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["topics"][0]["name"] for line in lines] == ["Scleromyxedema", "Marfan syndrome"]


def test_it_prints_text_without_json(library):
    out = StringIO()
    call_command("suggest", "What causes scleromyxedema?", stdout=out)
    assert "Scleromyxedema: Cause of Scleromyxedema [cause]" in out.getvalue()


def test_it_answers_again_from_the_library_as_it_is_after_any_change(library, django_assert_num_queries):
    question = "What causes scleromyxedema and how is it treated?"
    first = suggest(question)
    with django_assert_num_queries(1):  # only to learn that the library is unchanged
        assert suggest(question) is first

    cause = next(s for s, _ in first.sections if s.kind == "cause")
    cause.heading = "Why does it happen?"
    cause.save()
    assert "Why does it happen?" in [s.heading for s, _ in suggest(question).sections]

    cause.delete()
    assert "cause" not in [s.kind for s, _ in suggest(question).sections]

    library.name = "Lichen myxedematosus"  # the question no longer names it
    library.save()
    assert topic_names(suggest(question)) == []
    library.name = "Scleromyxedema"
    library.save()
    assert "symptoms" not in suggest(question).kinds

    kind_correct(question=question, kind="symptoms", asked=True, suggested=["cause", "treatment"], by=None)
    assert "symptoms" in suggest(question).kinds
