import pytest
from django.db import connection

from library.models import Section
from library.search import search_sections, search_topics
from tests.conftest import make_section, make_topic


@pytest.fixture
def library(db):
    sclero = make_topic("Scleromyxedema", synonyms=["Arndt-Gottron disease"])
    make_topic("Scleroderma")
    make_topic("Marfan syndrome", synonyms=["MFS"])
    make_topic("Abdominal aortic aneurysm", synonyms=["Aneurysm, abdominal aortic"])
    make_section(sclero, "treatment", "How might scleromyxedema be treated?",
                 "Intravenous immunoglobulin (IVIG) may be successful. Plasmapheresis is effective short-term.")
    make_section(sclero, "overview", "What is scleromyxedema?", "A rare, severe skin disorder with mucin.")
    make_section(sclero, "cause", "What causes scleromyxedema?", "Plasmapheresis draft.", status="draft")
    return sclero


def names(results):
    return [item.name for item, _ in results]


def test_it_finds_a_topic_by_name(library):
    assert names(search_topics("Scleromyxedema"))[0] == "Scleromyxedema"


@pytest.mark.parametrize("query", ["scleromyxoedema", "scleromixedema", "SCLEROMYXEDEMA", "Arndt Gottron"])
def test_it_finds_a_topic_despite_typos_variants_and_synonyms(library, query):
    assert names(search_topics(query))[0] == "Scleromyxedema"


def test_it_finds_by_synonym_in_another_word_order(library):
    assert names(search_topics("abdominal aortic aneurysm"))[0] == "Abdominal aortic aneurysm"


def test_it_ranks_scores_between_zero_and_one(library):
    results = search_topics("sclero")
    assert {"Scleromyxedema", "Scleroderma"} <= set(names(results))
    assert all(0 < score <= 1 for _, score in results)


def test_it_finds_nothing_for_nothing(library):
    assert search_topics("") == [] and search_sections("  ") == []
    assert search_topics("qqqqzzzz") == []


def test_it_finds_sections_by_their_text_ranked(library):
    results = search_sections("IVIG plasmapheresis")
    assert [s.kind for s, _ in results] == ["treatment"]
    assert results[0][1] > 0


def test_it_finds_sections_with_any_word_when_none_has_all(library):
    kinds = [s.kind for s, _ in search_sections("mucin immunoglobulin")]
    assert sorted(kinds) == ["overview", "treatment"]


def test_it_leaves_out_unpublished_sections_unless_asked(library):
    assert search_sections("draft") == []
    assert [s.kind for s, _ in search_sections("draft", published_only=False)] == ["cause"]


def test_it_sees_edited_and_deleted_sections_at_once(library):
    section = Section.objects.get(kind="overview")
    section.body = "Now about fibroblasts."
    section.save()
    assert [s.pk for s, _ in search_sections("fibroblasts")] == [section.pk]
    assert search_sections("mucin") == []
    section.delete()
    assert search_sections("fibroblasts") == []


def test_it_finds_a_topic_by_its_name_in_another_language(library):
    assert "Scleromyxedema" not in names(search_topics("liquen mixedematoso"))
    library.names = {"es": "Liquen mixedematoso"}
    library.save()
    assert names(search_topics("liquen mixedematoso"))[0] == "Scleromyxedema"


def test_it_sees_a_topic_added_after_the_first_search(library):
    assert "Pompe disease" not in names(search_topics("pompe"))
    make_topic("Pompe disease")
    assert names(search_topics("pompe"))[0] == "Pompe disease"


@pytest.mark.postgres
def test_it_uses_pg_trgm_and_full_text_indexes_on_postgresql(library):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('library_topic', 'library_section')")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"library_topic_all_names_trgm", "library_section_search_vector"} <= indexes
