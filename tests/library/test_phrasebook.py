from collections import Counter
from pathlib import Path

import pytest

from library.models import Section
from library.training.phrasebook import PHRASEBOOK, read_phrasebook

CONSUMER = Path(__file__).resolve().parents[2] / "bench" / "data" / "consumer_questions.txt"


def test_it_holds_enough_phrasings_of_every_kind_a_question_asks():
    counts = Counter(kind for _, kind in read_phrasebook())
    assert set(counts) == set(Section.Kind.values) - {"other"}
    assert min(counts.values()) >= 20


def test_it_has_no_question_twice_and_leaves_the_disease_out():
    questions = [q.lower() for q, _ in read_phrasebook()]
    assert len(questions) == len(set(questions))
    assert not [q for q in questions if " x " in f" {q} "]


def test_it_shares_nothing_with_the_questions_the_bench_measures_on():
    bench = {line.split("\t")[1].strip().lower() for line in CONSUMER.read_text(encoding="utf-8").splitlines()
             if "\t" in line}
    assert bench
    assert not bench & {q.lower() for q, _ in read_phrasebook()}


def test_it_names_the_line_of_a_question_without_a_kind(tmp_path):
    path = tmp_path / "phrases.txt"
    path.write_text("# notes\n\nWhat is X?\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":3: a question before any"):
        read_phrasebook(path)


def test_the_shipped_phrasebook_parses():
    assert read_phrasebook(PHRASEBOOK)
