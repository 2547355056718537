"""Every output of one letter agrees: preview, PDF, both email parts and the text export show the
same language, title, dates, labels, disclaimer address and paragraphs."""

import email
import html
import io
import re
from datetime import date
from email import policy

from pypdf import PdfReader

from replies.composer.services import reply_start
from replies.letter.exports import export_reply
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic

URL = "https://center.example/aviso"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible(markup: str) -> str:
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def test_it_says_the_same_in_every_output(alice, login, settings):
    settings.LETTER_DISCLAIMER_URL = URL
    make_standard_texts("es")
    topic = make_topic("Scleromyxedema", names={"es": "Escleromixedema"})
    make_section(topic, "cause", heading="¿Qué causa el escleromixedema?", body="La causa no se conoce.",
                 last_updated=date(2026, 11, 29), language="es")
    make_section(topic, "treatment", heading="¿Cómo se trata el escleromixedema?", body="No hay tratamiento estándar.",
                 last_updated=None, language="es")
    inquiry = make_inquiry(question="What causes scleromyxedema and how is it treated?", topics=[topic],
                           assignee=alice, language="es")
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    preview = login(alice).get(reply.get_absolute_url()).content.decode()
    preview = preview[preview.index('id="letter-preview"'):]
    message = email.message_from_bytes(export_reply(reply, "eml"), policy=policy.default)
    outputs = {
        "preview": visible(preview),
        "pdf": squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(export_reply(reply, "pdf"))).pages)),
        "email html": visible(message.get_body(("html",)).get_content()),
        "email text": squash(message.get_body(("plain",)).get_content()),
        "txt": squash(export_reply(reply, "txt").decode()),
    }
    expected = ["Escleromixedema", "¿Qué causa escleromixedema y cómo se trata?", "¿Qué causa el escleromixedema?",
                "La causa no se conoce.", "Última actualización: 29/11/2026", "No hay tratamiento estándar."]
    for name, text in outputs.items():
        position = 0
        for needle in expected:
            found = text.find(needle, position)
            assert found >= 0, f"{name}: {needle!r} missing or out of order"
            position = found
        assert text.count("Última actualización") == 1, name  # the undated section has none
        assert "Last updated" not in text, name
    for name in ("email text", "txt"):
        assert f"Aviso legal: {URL}" in outputs[name]
    assert f'href="{URL}"' in preview and f'href="{URL}"' in message.get_body(("html",)).get_content()
