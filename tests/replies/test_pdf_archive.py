"""Letters are archived as PDF/A-2a (tagged, so also PDF/UA-1) with their metadata and fonts."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

from pypdf import PdfReader

from replies.letter.assembly import assemble_letter
from replies.letter.pdf import letter_pdf
from replies.models import Reply

from .delivery_factories import example_reply

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def xmp_values(reader: PdfReader) -> dict[str, str]:
    """Every attribute and leaf element of the XMP packet, by {namespace}name."""
    root = ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    values = {}
    for element in root.iter():
        values.update(element.attrib)
        if element.text and element.text.strip() and not len(element):
            values.setdefault(element.tag, element.text.strip())
    return values


def test_it_archives_the_letter_as_pdf_a_with_its_metadata(alice):
    reply = example_reply(alice)
    Reply.objects.filter(pk=reply.pk).update(language="es")
    letter = assemble_letter(Reply.objects.get(pk=reply.pk), today=date(2026, 3, 4))
    reader = PdfReader(io.BytesIO(letter_pdf(letter, postal=True)))

    xmp = xmp_values(reader)
    assert xmp["{%s}part" % NS["pdfaid"]] == "2" and xmp["{%s}conformance" % NS["pdfaid"]] == "A"
    assert xmp["{%s}part" % NS["pdfuaid"]] == "1"
    title = f"Scleromyxedema — {letter.reference}"
    assert xmp["{%s}li" % NS["rdf"]] == title  # dc:title's x-default (the first rdf:li)
    assert xmp["{%s}CreateDate" % NS["xmp"]] == "2026-03-04"
    info = reader.metadata
    assert (info.title, info.author) == (title, "GARD Information Specialist")
    assert info.creation_date.date() == date(2026, 3, 4)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "es"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    intent = catalog["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert reader.pdf_header == "%PDF-1.7"


def test_it_embeds_every_font_it_uses(alice):
    reader = PdfReader(io.BytesIO(letter_pdf(assemble_letter(example_reply(alice)), postal=False)))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts == {
        "Atkinson-Hyperlegible": True,
        "Atkinson-Hyperlegible-Bold": True,
        "Atkinson-Hyperlegible-Italic": True,
    }
