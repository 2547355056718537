import pytest

from library.kinds import asked_kinds, kind_of_heading, rule_kinds


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # The paraphrases the old rules missed (issue 13).
        ("Is there anything that could help her?", "treatment"),
        ("Are there ways to manage the symptoms?", "treatment"),
        ("Will she have a normal life span?", "prognosis"),
        ("Would there be a chance my child could have it?", "inheritance"),
        ("How common is it?", "frequency"),
        ("I would like to know more about this condition", "overview"),
        ("Is it due to environmental exposures?", "cause"),
        ("How many people have been diagnosed with it?", "frequency"),
        # And more of the same kind, not in the phrasebook.
        ("My son was diagnosed with it two years ago. Can we stop it from spreading to his other leg?", "treatment"),
        ("Could I be carrying the gene without knowing?", "inheritance"),
        ("How many kids in the country have it?", "frequency"),
        ("Is this condition deadly?", "prognosis"),
        ("Did the pesticides on our farm play a role?", "cause"),
        ("What would a geneticist do to find out whether she has it?", "diagnosis"),
        ("Does it make your joints ache?", "symptoms"),
        ("Can it be prevented?", "treatment"),
        ("Is there any research on it?", "treatment"),
        ("Could you send me whatever you have on this disorder?", "overview"),
    ],
)
def test_it_reads_what_a_question_asks_first(question, kind):
    assert asked_kinds(question)[0] == kind


def test_it_keeps_every_kind_a_question_names_and_fills_up_to_two():
    assert set(asked_kinds("What causes it, how is it treated, and is it inherited?")) == {"cause", "treatment",
                                                                                          "inheritance"}
    assert len(asked_kinds("Are there ways to manage the symptoms?")) == 2


@pytest.mark.parametrize("text", ["", "   ", "Thank you.", "Dear team, regards"])
def test_it_never_answers_with_no_kind(text):
    assert asked_kinds(text) == ["overview"]
    assert asked_kinds(text, use_model=False) == ["overview"]


def test_it_puts_the_overview_after_the_specific_kinds_a_question_names():
    assert rule_kinds("What is it and how is it treated?") == ["treatment", "overview"]


def test_it_reads_the_questions_not_the_story_around_them():
    question = "My daughter was diagnosed with it last year after many tests. How rare is it?"
    assert rule_kinds(question) == ["diagnosis", "frequency"]  # the whole text names both
    assert asked_kinds(question)[0] == "frequency"


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Is genetic testing available for Coats disease?", "diagnosis"),
        ("How might hereditary geniospasm be treated?", "treatment"),
        ("What is the genetic basis of erythropoietic protoporphyria?", "cause"),
        ("How common is Coats disease?", "frequency"),
        ("What is the prognosis for Coats disease?", "prognosis"),
        ("What are the signs and symptoms of Coats disease?", "symptoms"),
        ("What is Coats disease?", "overview"),
        ("Acknowledgements", "other"),
    ],
)
def test_it_names_the_kind_of_a_heading(heading, kind):
    assert kind_of_heading(heading, "hereditary geniospasm") == kind
