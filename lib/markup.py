"""Markdown with citations, rendered to sanitised HTML or to plain text: the one place.

Bodies cite bibliography entries by a stable key, Pandoc style: ``[@koronowska2013]``.
A letter numbers the keys; here a caller passes ``numbers`` (key → number) and each
citation becomes ``[n]``; a key without a number is shown as ``[?key]`` so that an
unknown reference is visible rather than silently dropped.
"""

import functools
import html
import re
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

CITATION_RE = re.compile(r"\[@([A-Za-z0-9][A-Za-z0-9_:.\-]*)\]")
_SENTINEL_RE = re.compile("\ue000(\\d+)\ue001")
_SENTINEL_RUN_RE = re.compile("(?:\ue000\\d+\ue001)+")

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "code", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def citation_keys(text: str) -> list[str]:
    """The keys cited in text, in order of first appearance, without repeats."""
    return list(dict.fromkeys(CITATION_RE.findall(text or "")))


def _protect_citations(text: str) -> tuple[str, list[str]]:
    # Keys may hold characters Markdown would read as emphasis; replace each citation
    # by a private-use sentinel that survives Markdown and the sanitiser untouched.
    keys: list[str] = []

    def swap(match: re.Match) -> str:
        keys.append(match.group(1))
        return f"\ue000{len(keys) - 1}\ue001"

    return CITATION_RE.sub(swap, text or ""), keys


def _citation_label(key: str, numbers: dict[str, int] | None) -> tuple[int | None, str]:
    number = (numbers or {}).get(key)
    return number, f"[{number}]" if number is not None else f"[?{key}]"


# Rendering is linear in the length (markdown-it-py, below), so a bounded length bounds the time:
# 20,000 characters of the worst input found ("[" repeated) render in about 0.6 s. Fact sheets
# stay far below (the longest MedQuAD GARD answer has 8,736 characters).
MARKDOWN_MAX_CHARS = 20_000


def validate_markdown(text: str) -> None:
    """ValidationError (code "too_long") for a Markdown text over the length limit."""
    if len(text or "") > MARKDOWN_MAX_CHARS:
        raise ValidationError(
            "The text has %(length)s characters; a text may have at most %(limit)s.",
            code="too_long",
            params={"length": f"{len(text):,}", "limit": f"{MARKDOWN_MAX_CHARS:,}"},
        )


# CommonMark (markdown-it-py): linear time and no recursion limit to hit: nesting stops at
# maxNesting levels (deeper markers stay text). Python-Markdown took 14 s for 8,000 "[" and
# raised RecursionError on 300 nested lists. Single newlines are line breaks; typed HTML is
# shown as the text it is (the output still goes through nh3).
_MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": False, "maxNesting": 20})

_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\S")


def _separate_lists(text: str) -> str:
    # Python-Markdown needs a blank line before a list; fact sheets often have none.
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        if _LIST_ITEM_RE.match(line) and out and out[-1].strip() and not _LIST_ITEM_RE.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


# A pure function of the text, and the costly part: a page shows the same sections on every
# request (the composer renders each block of the letter each time), so recent ones are kept.
@functools.lru_cache(maxsize=1024)
def _sanitised_html(markdown: str) -> str:
    return nh3.clean(
        _MARKDOWN.render(markdown),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str, *, numbers: dict[str, int] | None = None) -> SafeString:
    """Markdown → sanitised HTML; citations become links to the reference list. A text over the
    length limit (saved before the limit, or around it) is not rendered: the HTML says why."""
    try:
        validate_markdown(text)
    except ValidationError as refused:
        return format_html('<p class="markup-refused">This text cannot be shown. {}</p>', refused.messages[0])
    # Sentinels typed by a person must not be taken for ours.
    text = (text or "").replace("\ue000", "").replace("\ue001", "")
    protected, keys = _protect_citations(_separate_lists(text))
    clean = _sanitised_html(protected)

    def cite(match: re.Match) -> str:
        index = int(match.group(1))
        if index >= len(keys):
            return ""
        number, label = _citation_label(keys[index], numbers)
        if number is None:
            return f'<span class="cite cite-unknown">{html.escape(label)}</span>'
        return f'<a class="cite" href="#ref-{number}">{label}</a>'

    def cite_group(match: re.Match) -> str:
        # Adjacent citations ("[1][2]") stay together on one line: the group is one unit.
        inner = _SENTINEL_RE.sub(cite, match.group(0))
        return f'<span class="cite-group">{inner}</span>' if match.group(0).count("\ue000") > 1 else inner

    return mark_safe(_SENTINEL_RUN_RE.sub(cite_group, clean))  # noqa: S308 (sanitised by nh3 above)


class _TextWriter(HTMLParser):
    """Sanitised letter HTML → plain text: paragraphs apart, list items as bullets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.lists: list[list] = []  # stack of [tag, counter]
        self.indent = ""

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.current)).strip()
        text = re.sub(r" ?\u2028 ?", "\n", text).strip()
        if text:
            # Paragraphs stand apart; list items follow each other and the line before them.
            separator = "" if not self.blocks else "\n" if self.indent else "\n\n"
            self.blocks.append(separator + self.indent + text)
        self.current = []
        self.indent = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "blockquote", "div"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            self.indent = "  " * len(self.lists)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.current.append(f"{self.lists[-1][1]}. ")
            else:
                self.current.append("• ")
        elif tag == "br":
            self.current.append("\u2028")  # kept through whitespace folding, then a newline

    def handle_endtag(self, tag):
        if tag in ("p", "li", "blockquote", "div"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data):
        self.current.append(data)

    def text(self) -> str:
        self._flush()
        return "".join(self.blocks)


@functools.lru_cache(maxsize=1024)  # pure, and called for the same blocks on every composer view
def html_to_text(fragment: str) -> str:
    writer = _TextWriter()
    writer.feed(fragment)
    writer.close()
    return writer.text()


def untrusted_html_to_text(document: str) -> str:
    """HTML from outside (an email's HTML part) → plain text: nh3 drops scripts, styles and
    every tag but the few that shape paragraphs, then the same writer as for letters."""
    clean = nh3.clean(document or "", tags=ALLOWED_TAGS | {"div"}, attributes={}, url_schemes=URL_SCHEMES)
    return html_to_text(clean)


def render_text(text: str, *, numbers: dict[str, int] | None = None) -> str:
    """Markdown → plain text, by way of the same sanitised HTML as every other output."""
    return html_to_text(render_markdown(text, numbers=numbers))
