"""Which topics a question names: subtypes and umbrellas, numbers, synonyms (issue 13, point 3)."""

from io import StringIO

import pytest
from django.core.management import call_command

from library.suggest import suggest
from tests.conftest import MEDQUAD_SAMPLE, make_section, make_topic


def names(question):
    return [t.name for t, _ in suggest(question).topics]


@pytest.fixture
def usher(db):
    make_topic("Usher syndrome")  # the umbrella: no fact sheet
    for name in ("Usher syndrome type 1", "Usher syndrome type 3"):
        make_topic(name)  # named in GARD's list, no fact sheet either
    for name in ("Usher syndrome, type 1B", "Usher syndrome, type 1C", "Usher syndrome, type 12"):
        make_section(make_topic(name), "inheritance")
    gaucher = make_topic("Gaucher disease")
    make_section(gaucher, "overview")
    make_section(gaucher, "treatment")
    make_topic("Gaucher disease type III")


def test_it_offers_the_umbrella_of_a_subtype_without_a_fact_sheet(usher):
    result = suggest("How is Gaucher disease type 3 treated?")
    assert [t.name for t, _ in result.topics] == ["Gaucher disease type III", "Gaucher disease"]
    assert result.sections[0][0].kind == "treatment"
    assert result.sections[0][0].topic.name == "Gaucher disease"


def test_it_offers_the_subtypes_of_an_umbrella_without_a_fact_sheet(usher):
    assert names("Is Usher syndrome inherited?") == ["Usher syndrome", "Usher syndrome, type 1B",
                                                     "Usher syndrome, type 1C", "Usher syndrome, type 12"]


def test_it_matches_the_numbers_in_names_exactly(usher):
    assert names("Is Usher syndrome type 1 inherited?") == ["Usher syndrome type 1", "Usher syndrome, type 1B",
                                                           "Usher syndrome, type 1C"]
    assert names("Is Usher syndrome type III inherited?") == ["Usher syndrome type 3"]
    assert names("What about Usher syndrome type 12?") == ["Usher syndrome, type 12"]


def test_it_reads_no_number_as_another(db):
    make_section(make_topic("22q11.2 deletion syndrome"), "overview")
    assert names("What is 21q11.2 deletion syndrome?") == []
    assert names("What is 22q11.2 deletion syndrome?") == ["22q11.2 deletion syndrome"]


def test_it_puts_the_topic_of_that_name_before_those_with_it_as_a_synonym(db):
    make_topic("Neurofibromatosis type 1", synonyms=["Neurofibromatosis"])
    make_topic("Neurofibromatosis")
    assert names("What is neurofibromatosis?") == ["Neurofibromatosis", "Neurofibromatosis type 1"]


def test_it_finds_a_topic_by_a_name_from_the_gard_list(db):
    # MedQuAD lists no synonym "Adiposalgia" for adiposis dolorosa; GARD's disease list does.
    call_command("import_medquad", str(MEDQUAD_SAMPLE / "0000158.xml"), stdout=StringIO())
    assert names("Is there a treatment for adiposalgia?") == ["Adiposis dolorosa"]
