import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from library.corrections import kind_correct
from library.models import KindCorrection
from library.suggest import suggest
from library.training.train_kinds import read_corrections
from tests.conftest import make_section, make_topic

QUESTION = "My son has Marfan syndrome. Is it safe for him to play football?"


@pytest.fixture
def marfan(db):
    topic = make_topic("Marfan syndrome")
    for kind in ("overview", "treatment", "prognosis"):
        make_section(topic, kind)
    return topic


def test_it_applies_a_correction_to_the_same_question_at_once(marfan, alice):
    before = suggest(QUESTION).kinds
    assert "prognosis" not in before[:1]
    kind_correct(question=QUESTION, kind="prognosis", asked=True, suggested=before, by=alice)
    after = suggest("  my son has Marfan syndrome.  Is it safe for him to play football? ")
    assert after.kinds[0] == "prognosis"
    assert after.sections[0][0].kind == "prognosis"
    assert suggest("Is Marfan syndrome inherited?").kinds[0] == "inheritance"  # another question: untouched


def test_it_drops_a_kind_the_specialist_says_is_not_asked(marfan, alice):
    first = suggest(QUESTION).kinds[0]
    kind_correct(question=QUESTION, kind=first, asked=False, suggested=[first], by=alice)
    assert first not in suggest(QUESTION).kinds
    kind_correct(question=QUESTION, kind=first, asked=True, suggested=[], by=alice)  # the latest word counts
    assert suggest(QUESTION).kinds[0] == first


def test_it_never_leaves_a_question_without_kinds(marfan, alice):
    for kind in suggest(QUESTION).kinds:
        kind_correct(question=QUESTION, kind=kind, asked=False, suggested=[], by=alice)
    assert suggest(QUESTION).kinds


@pytest.mark.parametrize(("kind", "question", "code"), [("gossip", QUESTION, "unknown_kind"),
                                                         ("other", QUESTION, "unknown_kind"),
                                                         ("cause", "   ", "no_question")])
def test_it_refuses_a_bad_correction_and_records_nothing(db, alice, kind, question, code):
    with pytest.raises(ValidationError) as error:
        kind_correct(question=question, kind=kind, asked=True, suggested=[], by=alice)
    assert error.value.code == code
    assert not KindCorrection.objects.exists()


def test_it_exports_corrections_the_training_script_reads(db, alice, tmp_path):
    kind_correct(question=QUESTION, kind="prognosis", asked=True, suggested=["treatment"], by=alice)
    kind_correct(question="Where do I find a doctor?", kind="symptoms", asked=False, suggested=["symptoms"], by=alice)
    out = StringIO()
    call_command("export_kind_corrections", stdout=out, stderr=StringIO())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["question"], r["kind"], r["asked"]) for r in rows] == [
        (QUESTION, "prognosis", True), ("Where do I find a doctor?", "symptoms", False)]
    path = tmp_path / "corrections.jsonl"
    call_command("export_kind_corrections", "--output", str(path), stderr=StringIO())
    assert read_corrections(path) == [(QUESTION, "prognosis")]  # what it asks, not what it does not
