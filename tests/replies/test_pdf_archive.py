"""Letters are archived as PDF/A-2a (tagged, so also PDF/UA-1) with their metadata.
(The embedded fonts: test_pdf_fonts.py.)"""

import io
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
}


def identification(reader: PdfReader) -> dict[str, str]:
    """The PDF/A and PDF/UA parts and conformance declared in the XMP packet (as pypdf parsed it)."""
    found = {}
    for description in reader.xmp_metadata.rdf_root.getElementsByTagNameNS(NS["rdf"], "Description"):
        for prefix, name in [("pdfaid", "part"), ("pdfaid", "conformance"), ("pdfuaid", "part")]:
            if description.hasAttributeNS(NS[prefix], name):
                found[f"{prefix}:{name}"] = description.getAttributeNS(NS[prefix], name)
    return found


def test_it_archives_the_letter_as_pdf_a_with_its_metadata(alice):
    reply = example_reply(alice)
    Reply.objects.filter(pk=reply.pk).update(language="es")
    letter = assemble_letter(Reply.objects.get(pk=reply.pk), today=date(2026, 3, 4))
    reader = PdfReader(io.BytesIO(letter_pdf(letter, postal=True)))

    assert identification(reader) == {"pdfaid:part": "2", "pdfaid:conformance": "A", "pdfuaid:part": "1"}
    xmp = reader.xmp_metadata
    title = f"Scleromyxedema — {letter.reference}"
    assert xmp.dc_title == {"x-default": title}
    assert xmp.dc_creator == ["GARD Information Specialist"]
    assert xmp.xmp_create_date.date() == date(2026, 3, 4)
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

