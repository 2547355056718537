"""What a Spanish question asks for: read by the Spanish phrases (the English model is not used)."""

import pytest

from library.kinds import asked_kinds, kind_of_heading, question_language
from library.suggest import suggest
from tests.conftest import make_section, make_topic


@pytest.mark.parametrize(("question", "kinds"), [
    ("¿Qué causa el escleromixedema y cómo se trata?", ["cause", "treatment"]),
    ("que causa el escleromixedema y como se trata", ["cause", "treatment"]),  # typed without accents
    ("¿Cuáles son las causas? ¿Tiene cura?", ["cause", "treatment"]),
    ("¿Por qué le dio esta enfermedad a mi hijo?", ["cause"]),
    ("¿Existe algún tratamiento para la enfermedad?", ["treatment"]),
    ("¿Se puede curar?", ["treatment"]),
    ("¿Cuáles son los síntomas y signos?", ["symptoms"]),
    ("¿Es hereditaria? ¿Mis hijos la pueden heredar?", ["inheritance"]),
    ("¿Se hereda esta enfermedad?", ["inheritance"]),
    ("¿Es genético?", ["inheritance"]),
    ("¿Cómo se diagnostica? ¿Qué pruebas hay?", ["diagnosis"]),
    ("¿Cuál es el diagnóstico?", ["diagnosis"]),
    ("¿Cuál es la esperanza de vida?", ["prognosis"]),
    ("¿Cuál es el pronóstico y la evolución de la enfermedad?", ["prognosis"]),
    ("¿Cuántas personas tienen esta enfermedad?", ["frequency"]),
    ("Quisiera saber qué tan común es esta enfermedad.", ["frequency"]),
    ("¿Con qué frecuencia aparece?", ["frequency"]),
    ("¿Qué es esta enfermedad?", ["overview"]),
    ("Hola, a mi padre (58) le dijeron que tiene la enfermedad. ¿Cómo se trata? Gracias", ["treatment"]),
])
def test_it_reads_the_common_spanish_ways_of_asking(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize(("text", "hint", "language"), [
    ("¿Qué causa el escleromixedema?", "", "es"),
    ("que causa el escleromixedema y como se trata", "", "es"),
    ("What causes scleromyxedema and how is it treated?", "es", "en"),  # the words tell, not the hint
    ("Escleromixedema: tratamiento", "es", "es"),  # the words do not tell: the inquiry's language
    ("Escleromixedema: tratamiento", "", "en"),
])
def test_it_tells_a_spanish_question_from_an_english_one(text, hint, language):
    assert question_language(text, hint) == language


def test_it_reads_a_short_spanish_question_by_the_inquirys_language():
    assert asked_kinds("Escleromixedema: tratamiento", language="es") == ["treatment"]


def test_it_names_the_kind_of_a_spanish_heading():
    assert kind_of_heading("¿Qué causa el escleromixedema?") == "cause"
    assert kind_of_heading("¿Cómo se trata el escleromixedema?") == "treatment"


def test_it_suggests_the_sections_a_spanish_question_asks_for(db):
    topic = make_topic("Scleromyxedema", names={"es": "Escleromixedema"})
    for kind in ("overview", "symptoms", "cause", "treatment", "prognosis"):
        make_section(topic, kind, language="es")
    found = suggest("¿Qué causa el escleromixedema y cómo se trata?")
    assert found.kinds == ["cause", "treatment"]
    assert [s.kind for s, _ in found.sections][:3] == ["cause", "treatment", "overview"]
