"""The letter's own fonts (static/fonts): where they are declared, and a system check that they are there.

Without them a PDF would take whatever fonts the machine has (a different letter on each
machine), and on a machine with no fonts at all Pango crashes the process. This module does
not import WeasyPrint, so the check also runs where WeasyPrint cannot load.
"""

import re
from pathlib import Path, PurePosixPath

from django.contrib.staticfiles import finders
from django.core import checks

# The @font-face rules of the letter's typeface, a static file beside the fonts it names.
FONT_CSS = "fonts/atkinson-hyperlegible/atkinson-hyperlegible.css"
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2")  # TrueType, OpenType, WOFF
_URL_RE = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def _is_font(path: str | None) -> bool:
    if not path:
        return False
    with open(path, "rb") as handle:
        return handle.read(4) in FONT_MAGIC


def missing_fonts() -> list[str]:
    """The static paths of the letter's font files that are missing or not fonts ([] if none)."""
    css = finders.find(FONT_CSS)
    if not css:
        return [FONT_CSS]
    folder = PurePosixPath(FONT_CSS).parent
    names = _URL_RE.findall(Path(css).read_text(encoding="utf-8"))
    return [str(folder / name) for name in names if not _is_font(finders.find(str(folder / name)))]


@checks.register()
def check_letter_fonts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    missing = missing_fonts()
    if not missing:
        return []
    return [
        checks.Error(
            f"The letter's font files are missing or are not fonts: {', '.join(missing)}.",
            hint="They ship with the project under static/fonts/; restore them from the repository. "
            "Until then no letter can be rendered as PDF.",
            id="replies.E001",
        )
    ]
