"""The example letter as a PDF: everything there, in reading order, with its metadata and links."""

import io
import re

import pytest
from pypdf import PdfReader

from replies.letter.assembly import assemble_letter
from replies.letter.exports import export_reply
from replies.letter.pdf import letter_document
from tests.conftest import EXAMPLE_LETTER

from .delivery_factories import example_reply


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def example_pdf(alice):
    reply = example_reply(alice)
    return reply, PdfReader(io.BytesIO(export_reply(reply, "pdf")))


def in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing or out of order"
        position = found + len(needle)


def test_it_reads_every_heading_date_closing_and_reference_in_order(example_pdf):
    reply, reader = example_pdf
    text = squash("\n".join(page.extract_text() for page in reader.pages))
    example = EXAMPLE_LETTER.read_text(encoding="utf-8")
    headings = [squash(line) for line in example.splitlines() if line.strip().endswith("?")][1:]  # not the title
    assert len(headings) == 4
    dates = re.findall(r"Last updated: \d+/\d+/\d{4}", example)
    assert len(dates) == 4
    references = [squash(line.split(".", 1)[1]) for line in example.splitlines() if re.match(r"\s+\d\. ", line)]
    assert len(references) == 4
    in_order(
        text,
        ["Scleromyxedema", "What causes scleromyxedema and how is it treated?"]
        + [item for pair in zip(headings, dates, strict=True) for item in pair]
        + ["We hope this information is helpful.", "Warm regards,", "GARD Information Specialist"]
        + [f"{n}. {ref}" for n, ref in enumerate(references, start=1)],
    )
    assert "• Hoarseness" in text  # list markers inside the text, where they belong


def test_it_numbers_pages_and_has_metadata_links_and_tags(example_pdf):
    reply, reader = example_pdf
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"{reply.inquiry.reference}" in page.extract_text()
        assert f"Page {number} of {pages}" in page.extract_text()
    meta = reader.metadata
    assert reply.inquiry.reference in meta.title and "Scleromyxedema" in meta.title
    assert meta.author == "GARD Information Specialist"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog  # tagged (PDF/UA)
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and action.get("/URI"):
                uris.append(action["/URI"])
            elif annot.get_object().get("/Dest") or (action and action.get("/D")):
                internal += 1
    assert "http://dermnetnz.org/immune/scleromyxoedema.html" in uris
    assert "http://www.emedicine.com/DERM/topic231.htm" in uris
    assert internal >= 6  # the citation markers link to the reference list


def test_it_follows_the_page_size_setting(alice, settings):
    reply = example_reply(alice)
    settings.LETTER_PAGE_SIZE = "A4"
    assert "size: A4;" in letter_document(assemble_letter(reply))
    settings.LETTER_PAGE_SIZE = "Letter"
    assert "size: Letter;" in letter_document(assemble_letter(reply))
    reader = PdfReader(io.BytesIO(export_reply(reply, "pdf")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_it_links_the_disclaimer(alice):
    from replies.models import ReplyBlock

    reply = example_reply(alice)
    ReplyBlock.objects.filter(reply=reply, standard_kind="disclaimer").update(
        body="Please see our [Disclaimer](https://rarediseases.example.org/disclaimer)."
    )
    reader = PdfReader(io.BytesIO(export_reply(reply, "pdf")))
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/A")
    ]
    assert "https://rarediseases.example.org/disclaimer" in uris
