"""Outputs of a Letter that need no outside library: the HTML fragment and the plain text."""

from django.utils.safestring import SafeString

from lib.jinja import render_jinja

from .assembly import Letter


def letter_html(letter: Letter) -> SafeString:
    """The letter as an HTML fragment (an <article>), for preview, PDF and email alike."""
    return render_jinja("replies/letter.html", {"letter": letter})


def letter_text(letter: Letter) -> str:
    """The letter as plain text, in the layout of the GARD example letter."""
    parts: list[str] = []
    if letter.letterhead:
        parts.append(letter.letterhead.text)
    if letter.topic:
        parts.append(letter.topic)
    parts.append(letter.title)
    if letter.greeting:
        parts.append(letter.greeting.text)
    for block in letter.body:
        lines = [block.heading] if block.heading else []
        section = "\n\n".join([*lines, block.text]) if lines else block.text
        if block.last_updated:
            section += f"\n{letter.last_updated_label}: {block.last_updated_display}"
        parts.append(section)
    for standard in (letter.closing, letter.signature, letter.disclaimer):
        if standard:
            parts.append(standard.text)
    if letter.references:
        parts.append("\n".join(f"  {ref.number}. {ref.text}" for ref in letter.references))
    return "\n\n".join(part for part in parts if part) + "\n"
