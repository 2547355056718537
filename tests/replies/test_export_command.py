"""manage.py export_reply REPLY_ID --format pdf|eml|html|txt --output FILE."""

import email
import io
from email import policy

import pytest
from django.core.management import CommandError, call_command

from .delivery_factories import small_reply


def export(reply, fmt, tmp_path) -> bytes:
    out = tmp_path / f"letter.{fmt}"
    call_command("export_reply", str(reply.pk), "--format", fmt, "--output", str(out), stdout=io.StringIO())
    return out.read_bytes()


def test_it_writes_every_format(alice, tmp_path):
    reply = small_reply(alice)
    assert export(reply, "pdf", tmp_path).startswith(b"%PDF-")
    html = export(reply, "html", tmp_path).decode()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html and "@page { size: Letter; }" in html
    assert "An overview.[1]" in export(reply, "txt", tmp_path).decode()
    message = email.message_from_bytes(export(reply, "eml", tmp_path), policy=policy.default)
    assert reply.inquiry.reference in message["Subject"]
    types = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "application/pdf"} <= set(types)


def test_it_writes_bytes_to_standard_output(alice):
    reply = small_reply(alice)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export_reply", str(reply.pk), "--format", "pdf", "--output", "-", stdout=stdout)
    assert stdout.buffer.getvalue().startswith(b"%PDF-")
    text = io.StringIO()
    call_command("export_reply", str(reply.pk), "--format", "txt", "--output", "-", stdout=text)
    assert "An overview.[1]" in text.getvalue()


def test_it_refuses_an_unknown_format_or_reply(alice, tmp_path):
    reply = small_reply(alice)
    with pytest.raises(CommandError):
        call_command("export_reply", str(reply.pk), "--format", "docx", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("export_reply", "999999", "--format", "txt", "--output", str(tmp_path / "x"))
