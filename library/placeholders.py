"""The placeholders a standard text may use: the one documented set, and how to fill them.

A standard text (greeting, closing, ...) may contain these, in braces:

- ``{requester_name}``: the name of the person who asked;
- ``{topic}``: the name of the topic the letter is about;
- ``{reference}``: the inquiry's reference number;
- ``{date}``: the date of the letter.

Anything else in braces is refused when the text is saved. A value that is missing or
empty is filled with a neutral wording in the letter's language, never left raw or blank.
Values are text, never markup: a name typed into the public form as a Markdown link stays
the characters it was typed as.
"""

import re

from django.core.exceptions import ValidationError

from library.markdown_text import escape_inline

PLACEHOLDERS: dict[str, str] = {
    "requester_name": "The name of the person who asked",
    "topic": "The name of the topic the letter is about",
    "reference": "The inquiry's reference number",
    "date": "The date of the letter",
}

# What a letter says when a value is missing, per language.
FALLBACKS: dict[str, dict[str, str]] = {
    "en": {"requester_name": "friend", "topic": "this condition", "reference": "your inquiry", "date": "today"},
    "es": {"requester_name": "amigo/a", "topic": "esta enfermedad", "reference": "su consulta", "date": "hoy"},
}

PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not in PLACEHOLDERS, in order, without repeats."""
    found = PLACEHOLDER_RE.findall(text or "")
    return list(dict.fromkeys(name for name in found if name not in PLACEHOLDERS))


def validate_placeholders(text: str) -> None:
    """Raise ValidationError (code "unknown_placeholder") for any placeholder not in the set."""
    unknown = unknown_placeholders(text)
    if unknown:
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        shown = ", ".join("{" + name + "}" for name in unknown)
        raise ValidationError(
            "Unknown placeholder %(unknown)s. Allowed placeholders: %(allowed)s.",
            code="unknown_placeholder",
            params={"unknown": shown, "allowed": allowed},
        )


def fill_placeholders(text: str, values: dict, language: str = "en") -> str:
    """Replace each known placeholder in Markdown `text` by its value, escaped as Markdown text,
    or by a neutral wording when missing.

    Unknown placeholders (which validation keeps out of saved texts) are left as written.
    """
    fallbacks = FALLBACKS.get(language, FALLBACKS["en"])

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name)
        value = "" if value is None else str(value).strip()
        return escape_inline(value) if value else fallbacks[name]

    return PLACEHOLDER_RE.sub(fill, text or "")
