"""Letters as PDF: the one place that calls WeasyPrint.

Everything a letter shows is rendered by Django templates from sanitised HTML; WeasyPrint
only lays it out. It may fetch nothing but our own static files and data: URLs
(`StaticOnlyFetcher`): a letter must never read a local file into the PDF or call a server.

Every PDF carries the letter's own fonts (static/fonts, `FONT_CSS`), never the machine's: a
letter looks the same wherever it is rendered, and a machine without any font does not
crash Pango. Without the font files it refuses to render (`LetterFontsMissing`), and the
system check in `fonts` names them at start-up.

Letters are archived as PDF/A-2a: level A is the tagged structure PDF/UA-1 asks for, so one
rendering is both; WeasyPrint writes one identification per variant, and `declare_pdf_ua`
adds PDF/UA's to the XMP metadata.

Per process: WeasyPrint is imported once (with this module) and one FontConfiguration is
reused for every letter — a new one per letter is slower and leaks about 0.2 MiB each time.
Each worker process pays the warm-up once (`warm_up`, or the first letter).
"""

import logging
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lib.timelimit import time_limit

from .assembly import Letter
from .fonts import FONT_CSS, missing_fonts

logger = logging.getLogger(__name__)

# The virtual origin that relative URLs in a letter document resolve against. No request
# ever goes there: the fetcher maps <origin>/static/... to files found by staticfiles.
BASE_URL = "https://letter.replydesk.invalid/"
PAGE_SIZES = {"letter": "Letter", "a4": "A4"}
PDF_OPTIONS = {"pdf_variant": "pdf/a-2a"}  # archival and tagged; see declare_pdf_ua, bench/delivery_export.py


class FetchRefused(ValueError):
    """A URL the letter may not load. WeasyPrint logs it, leaves the resource out and goes on."""


class LetterFontsMissing(RuntimeError):
    """The project's font files are not there: rendering without them could crash the process."""


def static_roots() -> list[Path]:
    """The real directories our static files may come from."""
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and data: URLs; refuses (and logs) every other URL."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = self._static_path(url)
        if path is None:
            logger.warning("letter PDF: refused to fetch %r", url[:300])
            raise FetchRefused(f"URL not allowed in a letter: {url[:300]}")
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": _content_type(path)})

    def _static_path(self, url: str) -> Path | None:
        """The real file under a static root that `url` names, or None."""
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            return None
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(settings.STATIC_URL) :]
        if not relative or "\x00" in relative:
            return None
        try:
            found = finders.find(relative)
        except Exception:  # SuspiciousFileOperation: the path escapes the static dirs
            return None
        candidates = [Path(found)] if found else [Path(settings.STATIC_ROOT) / relative]
        for candidate in candidates:
            real = candidate.resolve()
            if real.is_file() and any(real.is_relative_to(root) for root in static_roots()):
                return real
        return None


CONTENT_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}


def _content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


# One FontConfiguration per process. It is not safe to share between threads, so a threaded
# server renders one letter at a time per process (layout holds the GIL anyway).
_render_lock = threading.Lock()


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def font_stylesheet() -> CSS:
    """The @font-face rules, parsed once per process; their fonts load into font_config() once."""
    missing = missing_fonts()
    if missing:
        raise LetterFontsMissing(f"the letter's fonts are missing: {', '.join(missing)} (see manage.py check)")
    url = urljoin(BASE_URL, settings.STATIC_URL + FONT_CSS)
    return CSS(url=url, url_fetcher=StaticOnlyFetcher(), font_config=font_config())


PDF_UA_ID = b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1" pdfaid:part='


def declare_pdf_ua(document, pdf) -> None:
    """A WeasyPrint finisher: the PDF/UA-1 identification next to PDF/A's in the XMP metadata."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    metadata.stream = [chunk.replace(b"pdfaid:part=", PDF_UA_ID, 1) for chunk in metadata.stream]


@cache
def letter_css() -> str:
    """The print stylesheet, read once per process (it is a file in the code, not data)."""
    return Path(finders.find("replies/letter_print.css")).read_text(encoding="utf-8")


def page_size() -> str:
    return PAGE_SIZES.get(str(settings.LETTER_PAGE_SIZE).strip().lower(), "Letter")


def letter_author(letter: Letter) -> str:
    """The signature's last line (e.g. "GARD Information Specialist") names the author."""
    lines = [line.strip() for line in (letter.signature.text if letter.signature else "").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "Reply Desk"


def letter_document(letter: Letter, *, postal: bool = False) -> str:
    """The letter as a whole HTML document, with its print stylesheet inlined. A `postal` letter
    shows the recipient's address where the envelope's window is; an email does not."""
    context = {
        "letter": letter,
        "postal": postal,
        "author": letter_author(letter),
        "page_size": page_size(),
        "letter_css": mark_safe(letter_css()),  # noqa: S308 (our own stylesheet file, no user text)
    }
    return render_to_string("replies/letter_document.html", context)


def html_to_pdf(html: str) -> bytes:
    """Any letter document → PDF bytes. The only call into WeasyPrint; PDF_TIME_LIMIT bounds it."""
    with _render_lock, time_limit(settings.PDF_TIME_LIMIT, "Rendering the PDF"):
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(
            stylesheets=[font_stylesheet()], font_config=font_config(), finisher=declare_pdf_ua, **PDF_OPTIONS
        )


def letter_pdf(letter: Letter, *, postal: bool = False) -> bytes:
    return html_to_pdf(letter_document(letter, postal=postal))


WARM_UP_HTML = '<!doctype html><html lang="en"><head><title>warm-up</title></head><body><p>Warm-up</p></body></html>'


def warm_up() -> None:
    """Load fonts and WeasyPrint's caches before the first real letter (once per worker process)."""
    html_to_pdf(WARM_UP_HTML)
