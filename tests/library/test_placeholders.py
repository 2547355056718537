import pytest
from django.core.exceptions import ValidationError

from lib.markup import render_text
from library.models import StandardText
from library.placeholders import PLACEHOLDERS, fill_placeholders, validate_placeholders


def test_it_documents_the_four_placeholders():
    assert set(PLACEHOLDERS) == {"requester_name", "topic", "reference", "date"}


def test_it_accepts_known_placeholders():
    validate_placeholders("Dear {requester_name}, about {topic} ({reference}), {date}.")


def test_it_refuses_an_unknown_placeholder_with_a_code():
    with pytest.raises(ValidationError) as caught:
        validate_placeholders("Dear {name}, {topic}")
    assert caught.value.code == "unknown_placeholder"
    assert "{name}" in caught.value.messages[0]
    assert "{requester_name}" in caught.value.messages[0]


def test_it_cannot_save_a_standard_text_with_an_unknown_placeholder(db):
    text = StandardText(kind="greeting", language="en", name="Hi", body="Dear {first_name},")
    with pytest.raises(ValidationError) as caught:
        text.full_clean()
    assert caught.value.error_dict["body"][0].code == "unknown_placeholder"


def test_it_fills_values_and_falls_back_to_neutral_wording():
    body = "Dear {requester_name}, about {topic} ({reference}) on {date}."
    filled = fill_placeholders(body, {"requester_name": "Ann", "topic": "Scleromyxedema", "reference": "R-1",
                                      "date": "May 1"}, "en")
    assert render_text(filled) == "Dear Ann, about Scleromyxedema (R-1) on May 1."
    filled = fill_placeholders(body, {"requester_name": "  ", "topic": None}, "en")
    assert "{" not in filled and "Dear friend," in filled
    spanish = fill_placeholders("Estimado/a {requester_name}:", {}, "es")
    assert spanish == "Estimado/a amigo/a:"
