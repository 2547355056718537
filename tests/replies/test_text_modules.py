"""Text modules: standard paragraphs with a shortcut, offered in the block editor with their
placeholders filled as plain text, in the reply's language."""

import pytest
from django.db import IntegrityError

from lib.markup import render_markdown, render_text
from library.models import StandardText
from replies.composer.selectors import text_modules
from tests.conftest import make_inquiry, make_requester, make_standard_text, make_topic

from .factories import make_reply

pytestmark = pytest.mark.django_db
PARAGRAPH = StandardText.Kind.PARAGRAPH


def module(shortcut, body, language="en", name=""):
    text = make_standard_text(PARAGRAPH, body, language=language, name=name or shortcut.title())
    StandardText.objects.filter(pk=text.pk).update(shortcut=shortcut)
    return text


def reply_for(alice, name="Pat Doe", language="en"):
    inquiry = make_inquiry(make_requester(name=name), topics=[make_topic("Fabry disease")], assignee=alice,
                           language=language)
    return make_reply(alice, inquiry=inquiry, sections="none")


def test_it_offers_the_modules_of_the_replys_language_filled_in(alice):
    module("counselor", "Dear {requester_name}, a genetic counselor can help with {topic} ({reference}).")
    module("noinfo", "No tenemos información sobre {topic}.", language="es")
    make_standard_text(PARAGRAPH, "Without a shortcut: not a module.", name="Plain")
    reply = reply_for(alice)
    modules = text_modules(reply)
    assert [(m.shortcut, render_text(m.body)) for m in modules] == [
        ("counselor", f"Dear Pat, a genetic counselor can help with Fabry disease ({reply.inquiry.reference}).")
    ]
    spanish = reply_for(alice, language="es")
    assert [m.shortcut for m in text_modules(spanish)] == ["noinfo"]


def test_it_fills_placeholders_as_text_never_as_markup_or_citations(alice):
    module("hello", "Hello {requester_name}.")
    reply = reply_for(alice, name="[@ref1](javascript:alert(1))* <b>x</b>")
    body = text_modules(reply)[0].body
    html = str(render_markdown(body, numbers={"ref1": 1}))
    assert "<a" not in html and "<sup" not in html and "<b>" not in html and "<em>" not in html
    assert "[@ref1](javascript:alert(1))*" in html.replace("&#91;", "[").replace("&#93;", "]")


def test_it_shows_the_menu_in_the_block_editor(alice, login):
    module("counselor", "Please consult a genetic counselor, {requester_name}.")
    reply = reply_for(alice)
    block = reply.blocks.create(position=99, kind="custom", body="")
    body = login(alice).get(f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/").content.decode()
    assert 'data-body="Please consult a genetic counselor, Pat."' in body
    assert "(::counselor)" in body
    assert "replies/text_modules.js" in body


def test_it_keeps_shortcuts_unique_per_language(db):
    module("counselor", "One.")
    module("counselor", "Uno.", language="es")
    with pytest.raises(IntegrityError):
        module("counselor", "Two.", name="Other")
