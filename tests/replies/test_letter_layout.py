"""The letter as the person who receives it reads it: letterhead, date, window address, reference
line, lines of readable length, citation groups kept whole, hyphenation by language, page heads."""

import io
import re
import statistics
from datetime import date

import pyphen
import pytest
from pypdf import PdfReader

from library.models import Letterhead
from replies.letter.assembly import assemble_letter
from replies.letter.exports import export_reply
from replies.letter.message import letter_message
from replies.letter.pdf import html_to_pdf, letter_document, letter_pdf
from replies.models import Reply, ReplyBlock

from .delivery_factories import example_reply

MM = 72 / 25.4  # PDF points per millimetre
INCH = 72
ADDRESS = "12 Elm Street\nSpringfield, IL 62704"


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def postal_reply(author, language: str = "en") -> Reply:
    reply = example_reply(author)
    requester = reply.inquiry.requester
    requester.postal_address = ADDRESS
    requester.save(update_fields=["postal_address"])
    if language != "en":
        Reply.objects.filter(pk=reply.pk).update(language=language)
        reply.refresh_from_db()
    return reply


def positions(data: bytes, page: int = 0) -> dict[str, tuple[float, float]]:
    """Each text run on a page → (x, distance from the top of the page), in points."""
    reader = PdfReader(io.BytesIO(data))
    height = float(reader.pages[page].mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip():
            found.setdefault(text.strip(), (x, height - y))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


def test_it_dates_the_letter_in_its_language(alice):
    english = assemble_letter(postal_reply(alice), today=date(2026, 3, 4))
    assert "March 4, 2026" in pages_text(letter_pdf(english, postal=False))[0]
    spanish = assemble_letter(postal_reply(alice, "es"), today=date(2026, 3, 4))
    first_page = pages_text(letter_pdf(spanish, postal=False))[0]
    assert "4 de marzo de 2026" in first_page
    assert f"Ref.: {spanish.reference}" in first_page


@pytest.mark.parametrize(
    "paper, left, top, bottom",
    [
        # US #10 window envelope: the window shows 2 1/8 to 3 1/8 in from the top, from 7/8 in.
        ("Letter", 0.875 * INCH, 2.125 * INCH, 3.125 * INCH),
        # DIN 5008 form B: the address zone of the field is 62.7 to 90 mm from the top, from 20 mm.
        ("A4", 20 * MM, 62.7 * MM, 90 * MM),
    ],
)
def test_it_puts_the_recipient_in_the_envelope_window(alice, settings, paper, left, top, bottom):
    settings.LETTER_PAGE_SIZE = paper
    reply = postal_reply(alice)
    data = export_reply(reply, "pdf")  # the PDF letter, for the post
    found = positions(data)
    for line in ["Jane Doe", "12 Elm Street", "Springfield, IL 62704"]:
        x, y = found[line]
        assert left <= x <= left + 25 * MM, (line, x)
        assert top <= y <= bottom - 8, (line, y)  # the whole line, not only its baseline, in the window
    text = re.sub(r"\s+", " ", pages_text(data)[0])
    assert text.index("Springfield, IL 62704") < text.index(f"Re: {reply.inquiry.reference}")
    assert text.index(f"Re: {reply.inquiry.reference}") < text.index("Scleromyxedema")


def test_it_leaves_the_address_out_of_an_email_letter(alice):
    reply = postal_reply(alice)
    letter = assemble_letter(reply)
    message = letter_message(reply=reply, letter=letter, attach_pdf=True, to_email="jane@example.org")
    html_part = message.alternatives[0][0]
    attached = next(content for name, content, kind in message.attachments if kind == "application/pdf")
    for output in (html_part, pages_text(attached)[0]):
        assert "12 Elm Street" not in output
        assert f"Re: {reply.inquiry.reference}" in output
        assert letter.date_display in output
    assert "12 Elm Street" in pages_text(letter_pdf(letter, postal=True))[0]


def test_it_prints_the_configured_letterhead_with_its_logo(alice):
    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (300, 100), (29, 79, 145)).save(logo, format="PNG")
    Letterhead.objects.create(
        name="Genetic and Rare Diseases Information Center",
        postal_address="PO Box 8126\nGaithersburg, MD 20898-8126",
        telephone="1-888-205-2311",
        web_address="https://rarediseases.example.org/",
        logo=logo.getvalue(),
        logo_type="image/png",
    )
    data = export_reply(postal_reply(alice), "pdf")
    first = re.sub(r"\s+", " ", pages_text(data)[0])
    assert first.startswith("Genetic and Rare Diseases Information Center PO Box 8126 · Gaithersburg, MD")
    assert "1-888-205-2311 · rarediseases.example.org" in first
    assert "Genetic and Rare Diseases Information Center · PO Box 8126 · Gaithersburg" in first  # return address
    page = PdfReader(io.BytesIO(data)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(image["/Subtype"] == "/Image" and image["/Width"] == 300 for image in images)


def test_it_uses_a_default_letterhead_without_one(alice):
    first = pages_text(export_reply(example_reply(alice), "pdf"))[0]
    assert first.startswith(Letterhead.DEFAULT_NAME)


def test_it_sets_lines_of_65_to_80_characters(alice):
    text = "\n".join(pages_text(export_reply(example_reply(alice), "pdf")))
    body = text[text.index("What is scleromyxedema?") : text.index("We hope this information")]
    lines = [line.strip() for line in body.splitlines()]
    running = [line for line in lines if len(line) > 40 and not line.startswith("•") and "Page" not in line]
    assert len(running) >= 20
    assert 65 <= statistics.median(len(line) for line in running) <= 80
    assert max(len(line) for line in running) <= 85


def test_it_never_breaks_a_citation_group(alice):
    reply = example_reply(alice)
    # Sentences of varied length, so that line ends fall everywhere, also inside "[1][2]".
    cites = "[@rongioletti2015][@koronowska2013]"
    body = " ".join(f"Sentence {n} says{'o' * (n % 7)} something.{cites}" for n in range(80))
    block = ReplyBlock.objects.filter(reply=reply, kind=ReplyBlock.Kind.SECTION).first()
    ReplyBlock.objects.filter(pk=block.pk).update(body=body)
    text = "\n".join(pages_text(export_reply(reply, "pdf")))
    assert len(re.findall(r"\[1\]\s*\[2\]", text)) == 80
    assert text.count("[1][2]") == 80  # never "[1]" at the end of a line and "[2]" on the next


def test_it_hyphenates_running_text_by_the_letters_language(alice):
    words = "Inmunoglobulina intravenosa plasmaféresis dermatológica enfermedades extraordinariamente"
    reply = postal_reply(alice, "es")
    block = ReplyBlock.objects.filter(reply=reply, kind=ReplyBlock.Kind.SECTION).first()
    ReplyBlock.objects.filter(pk=block.pk).update(
        body=" ".join([words] * 12), heading="Tratamiento extraordinariamente"
    )
    html = letter_document(assemble_letter(reply), postal=False)
    assert '<html lang="es">' in html and '<article class="letter" lang="es">' in html
    lines = "\n".join(pages_text(html_to_pdf(html))).splitlines()
    breaks = [(line.split()[-1], lines[n + 1].split()[0]) for n, line in enumerate(lines[:-1]) if line.endswith("-")]
    assert breaks, "no word was hyphenated"
    spanish, english = pyphen.Pyphen(lang="es"), pyphen.Pyphen(lang="en")
    words = [(head[:-1] + tail.rstrip(".,"), len(head) - 1) for head, tail in breaks]
    assert all(at in spanish.positions(word) for word, at in words), words  # Spanish syllable breaks
    assert any(at not in english.positions(word) for word, at in words), words  # which English would not make
    assert "Tratamiento extraordinariamente" in "\n".join(lines)  # headings are never hyphenated


def test_it_heads_every_page_after_the_first(alice):
    reply = example_reply(alice)
    pages = pages_text(export_reply(reply, "pdf"))
    assert len(pages) >= 2
    reference = reply.inquiry.reference
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert pages[0].count(reference) == 1  # the Re: line only, no page head
    for number, text in enumerate(pages[1:], start=2):
        head = text.splitlines()[:2] + text.splitlines()[-2:]
        assert any(reference in line for line in head), text[:200]
        assert f"Page {number} of {len(pages)}" in text
