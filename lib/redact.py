"""Removing a person's details from free text (a purge)."""

import re
from collections.abc import Callable, Iterable

REMOVED = "(removed)"


def redactor(values: Iterable[str]) -> Callable[[str], str]:
    """A function that replaces each value (whole words, any case) in a text by "(removed)".

    Give it everything that names the person: the full name and each of its parts (a letter
    greets by the first name), the email address, the phone number."""
    words = sorted({value.strip() for value in values if len(value.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(REMOVED, text) if text else text


def identifying_values(*, name: str = "", email: str = "", phone: str = "") -> list[str]:
    """The strings a purge looks for: the name, its parts, the email (and its local part), the phone."""
    values = [name, *name.split(), email, phone]
    if "@" in email:
        values.append(email.split("@")[0])
    return [value for value in values if value]
