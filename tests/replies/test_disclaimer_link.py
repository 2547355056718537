"""The disclaimer carries its address: a link in HTML, email and PDF, "Disclaimer: <url>" in plain text."""

import email
import io
import re
from email import policy

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from replies.letter.assembly import assemble_letter
from replies.letter.exports import export_reply
from replies.letter.render import letter_html, letter_text
from tests.conftest import EXAMPLE_LETTER

from .delivery_factories import example_reply

URL = "https://center.example/disclaimer"


@pytest.fixture
def linked(alice, settings):
    settings.LETTER_DISCLAIMER_URL = URL
    return example_reply(alice)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_uris(data: bytes) -> set[str]:
    uris = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def test_it_links_the_disclaimer_in_html_and_names_the_address_in_text(linked):
    letter = assemble_letter(linked)
    assert f'Please see our <a href="{URL}" rel="noopener noreferrer">Disclaimer</a>.' in letter_html(letter)
    assert f"Please see our Disclaimer.\nDisclaimer: {URL}" in letter_text(letter)


def test_it_links_the_disclaimer_in_the_email_and_the_pdf(linked):
    message = email.message_from_bytes(export_reply(linked, "eml"), policy=policy.default)
    assert f'href="{URL}"' in message.get_body(("html",)).get_content()
    assert f"Disclaimer: {URL}" in message.get_body(("plain",)).get_content()
    assert URL in pdf_uris(export_reply(linked, "pdf"))


def test_it_appends_the_link_when_the_text_does_not_name_it(alice, settings):
    settings.LETTER_DISCLAIMER_URL = URL
    reply = example_reply(alice)
    block = reply.blocks.get(standard_kind="disclaimer")
    block.body = "This letter is general information."
    block.save()
    letter = assemble_letter(reply)
    assert f'<a href="{URL}" rel="noopener noreferrer">Disclaimer</a>' in letter_html(letter)
    assert letter_text(letter).count(f"Disclaimer: {URL}") == 1


def test_it_gives_back_the_example_exactly_without_an_address(alice, settings, tmp_path):
    settings.LETTER_DISCLAIMER_URL = ""
    reply = example_reply(alice)
    out = tmp_path / "letter.txt"
    call_command("export_reply", str(reply.pk), "--format", "txt", "--output", str(out), stdout=io.StringIO())
    assert squash(out.read_text(encoding="utf-8")) == squash(EXAMPLE_LETTER.read_text(encoding="utf-8"))
    assert "href" not in assemble_letter(reply).disclaimer.html
