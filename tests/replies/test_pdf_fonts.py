"""The letter carries its own fonts: the same PDF on a machine with no fonts at all, and a clear
message, not a crash, when the project's font files are missing."""

import io
import json
import os
import re
import subprocess
import sys

from django.conf import settings
from django.core import checks
from pypdf import PdfReader

from replies.letter.assembly import assemble_letter
from replies.letter.pdf import FONT_CSS, html_to_pdf, letter_document

from .delivery_factories import example_reply

# Renders one HTML file through the application's PDF path, in a fresh process (fontconfig
# reads FONTCONFIG_FILE once, when a process first uses it), and says how many fonts
# fontconfig itself found.
RENDER = """
import json, os, sys
import django
django.setup()
from django.test.utils import override_settings
from weasyprint.text.ffi import fontconfig
from replies.letter.pdf import html_to_pdf
system_fonts = fontconfig.FcConfigGetFonts(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcSetSystem).nfont
static_dirs = json.loads(sys.argv[3])
with override_settings(**({"STATICFILES_DIRS": static_dirs} if static_dirs else {})):
    pdf = html_to_pdf(open(sys.argv[1], encoding="utf-8").read())
open(sys.argv[2], "wb").write(pdf)
print(system_fonts)
"""


def no_fonts_config(tmp_path) -> dict[str, str]:
    """The environment of a machine whose fontconfig knows no font directory at all."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    return {"FONTCONFIG_FILE": str(config), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def render_elsewhere(tmp_path, html: str, env: dict[str, str], static_dirs=()) -> subprocess.CompletedProcess:
    source, target = tmp_path / "letter.html", tmp_path / "letter.pdf"
    source.write_text(html, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-c", RENDER, str(source), str(target), json.dumps([str(d) for d in static_dirs])],
        cwd=settings.BASE_DIR,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL", "VAR_DIR")
    return {key: os.environ[key] for key in keep if key in os.environ} | {"DJANGO_SETTINGS_MODULE": "config.settings"}


def text_and_fonts(data: bytes) -> tuple[str, set[str], bool]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    fonts, embedded = set(), True
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded &= "/FontFile2" in descriptor or "/FontFile3" in descriptor
            fonts.add(re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"]))  # without the subset tag
    return re.sub(r"\s+", " ", text).strip(), fonts, embedded


def test_it_renders_the_same_letter_without_any_system_font(alice, tmp_path):
    html = letter_document(assemble_letter(example_reply(alice)), postal=True)
    here = text_and_fonts(html_to_pdf(html))

    result = render_elsewhere(tmp_path, html, no_fonts_config(tmp_path))

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["0"]  # fontconfig found no font on that "machine"
    assert "Pango-CRITICAL" not in result.stderr
    there = text_and_fonts((tmp_path / "letter.pdf").read_bytes())
    assert there == here
    text, fonts, embedded = there
    assert fonts == {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold", "Atkinson-Hyperlegible-Italic"}
    assert embedded
    assert "What causes scleromyxedema and how is it treated?" in text


def test_it_says_which_font_files_are_missing(settings, tmp_path):
    settings.STATICFILES_DIRS = [tmp_path]
    errors = [e for e in checks.run_checks() if e.id == "replies.E001"]
    assert len(errors) == 1 and FONT_CSS in errors[0].msg

    shipped, css = settings.BASE_DIR / "static" / FONT_CSS, tmp_path / FONT_CSS
    css.parent.mkdir(parents=True)
    css.write_text(shipped.read_text())
    (css.parent / "AtkinsonHyperlegible-Bold.ttf").write_bytes(b"not a font")
    regular = "AtkinsonHyperlegible-Regular.ttf"
    (css.parent / regular).write_bytes((shipped.parent / regular).read_bytes())
    errors = [e for e in checks.run_checks() if e.id == "replies.E001"]
    assert len(errors) == 1
    missing = errors[0].msg
    assert "AtkinsonHyperlegible-Bold.ttf" in missing and "AtkinsonHyperlegible-Italic.ttf" in missing
    assert "AtkinsonHyperlegible-BoldItalic.ttf" in missing and "AtkinsonHyperlegible-Regular.ttf" not in missing


def test_it_passes_the_check_with_the_fonts_it_ships(db):
    assert not [e for e in checks.run_checks() if e.id.startswith("replies.")]


def test_it_refuses_to_render_without_its_fonts_instead_of_crashing(alice, tmp_path):
    html = letter_document(assemble_letter(example_reply(alice)), postal=False)
    (tmp_path / "empty").mkdir()

    result = render_elsewhere(tmp_path, html, no_fonts_config(tmp_path), static_dirs=[tmp_path / "empty"])

    assert result.returncode == 1  # an exception, not a segmentation fault (-11)
    assert "LetterFontsMissing" in result.stderr and FONT_CSS in result.stderr
    assert not (tmp_path / "letter.pdf").exists()
