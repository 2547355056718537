"""Parse a GARD fact-sheet page in the text format of examples/gard-scleromyxedema.txt.

The page: a letterhead line, the title (the topic), the question (ends in "?"), then sections
(a heading line ending in "?", paragraphs, "•" bullets, "Last updated: M/D/YYYY"), the closing,
the sign-off, the disclaimer and the numbered reference list. Pure: no database here.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from library.markdown_text import escape_markdown

LAST_UPDATED_RE = re.compile(r"^Last updated:\s*(.*?)\s*$")
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
BULLET_RE = re.compile(r"^\s*[•·]\s*(.*?)\s*$")
REFERENCE_RE = re.compile(r"^\s*(\d+)\.\s+(.*?)\s*$")
NUMBER_CITATION_RE = re.compile(r"\[(\d+)\]")


class PageError(ValueError):
    """A page that does not follow the format; line is 1-based."""

    def __init__(self, line: int, expected: str) -> None:
        super().__init__(f"line {line}: expected {expected}")
        self.line = line
        self.expected = expected


@dataclass
class PageSection:
    heading: str
    body: str  # Markdown, citations still as page numbers [n]
    last_updated: date
    line: int
    citation_lines: list[tuple[int, int]] = field(default_factory=list)  # (number, line)


@dataclass
class Page:
    letterhead: str
    title: str
    question: str
    sections: list[PageSection]
    closing: str = ""
    signature: str = ""
    disclaimer: str = ""
    references: dict[int, str] = field(default_factory=dict)


def _blocks(lines: list[str], start: int, stop: int) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines between start and stop, with the 1-based line of each run."""
    blocks, current, first = [], [], 0
    for index in range(start, stop):
        text = lines[index].rstrip()
        if text.strip():
            if not current:
                first = index + 1
            current.append(text)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _body_markdown(block_lines: list[list[str]]) -> str:
    """Paragraphs apart by a blank line; bullets as "- item", the list apart from its paragraph."""
    parts: list[str] = []
    for lines in block_lines:
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            bullet = BULLET_RE.match(line)
            if bullet:
                items.append("- " + escape_markdown(bullet.group(1), start_of_line=False))
            elif items:
                # Text after a list within one block: a new paragraph.
                parts.append("\n".join(items))
                items, paragraph = [], [line.strip()]
            else:
                paragraph.append(line.strip())
        if paragraph:
            parts.append(escape_markdown(" ".join(paragraph)))
        if items:
            parts.append("\n".join(items))
    return "\n\n".join(parts)


def _parse_date(text: str, line: int) -> date:
    match = DATE_RE.match(text)
    try:
        return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except (AttributeError, ValueError):
        raise PageError(line, f'a date as M/D/YYYY after "Last updated:", not "{text}"') from None


def _header(lines: list[str]) -> tuple[list[str], int]:
    """Letterhead, title and question: the first three non-blank lines."""
    found, index = [], 0
    while len(found) < 3 and index < len(lines):
        if lines[index].strip():
            found.append((index + 1, lines[index].strip()))
        index += 1
    what = ["a letterhead line", "the title (the topic's name)", 'the question (a line ending in "?")']
    if len(found) < 3:
        raise PageError(len(lines) + 1, what[len(found)])
    if not found[2][1].endswith("?"):
        raise PageError(found[2][0], what[2])
    return [text for _, text in found], index


def _sections(lines: list[str], index: int) -> tuple[list[PageSection], int]:
    """Sections until the first block that is not followed by a "Last updated" line."""
    sections: list[PageSection] = []
    dated = [i for i, line in enumerate(lines) if LAST_UPDATED_RE.match(line.strip())]
    while True:
        later = [i for i in dated if i >= index]
        if not later:
            break
        end = later[0]
        blocks = _blocks(lines, index, end)
        if not blocks or not blocks[0][1][0].strip().endswith("?") or len(blocks[0][1]) > 1:
            where = blocks[0][0] if blocks else end + 1
            raise PageError(where, 'a section heading (one line ending in "?") followed by its text')
        (heading_line, heading), body_blocks = blocks[0], blocks[1:]
        if not body_blocks:
            raise PageError(end + 1, f'the text of the section "{heading[0].strip()}" before "Last updated"')
        stamp = LAST_UPDATED_RE.match(lines[end].strip()).group(1)
        section = PageSection(
            heading=heading[0].strip(),
            body=_body_markdown([block for _, block in body_blocks]),
            last_updated=_parse_date(stamp, end + 1),
            line=heading_line,
        )
        for first, block in body_blocks:
            for offset, text in enumerate(block):
                section.citation_lines += [(int(n), first + offset) for n in NUMBER_CITATION_RE.findall(text)]
        sections.append(section)
        index = end + 1
    return sections, index


def _tail(page: Page, lines: list[str], index: int) -> None:
    """Closing, sign-off, disclaimer, and the numbered references."""
    closing: list[str] = []
    for first, block in _blocks(lines, index, len(lines)):
        numbered = [REFERENCE_RE.match(line) for line in block]
        if all(numbered):
            for offset, match in enumerate(numbered):
                number = int(match.group(1))
                if number in page.references:
                    raise PageError(first + offset, f"a new reference number, not {number} again")
                page.references[number] = match.group(2)
        elif page.references:
            raise PageError(first, 'a numbered reference ("1. ...") after the reference list began')
        elif "disclaimer" in block[0].lower():
            page.disclaimer = "\n".join(line.strip() for line in block)
        elif block[0].rstrip().endswith(",") and len(block) > 1:
            page.signature = "\n".join(line.strip() for line in block)
        else:
            closing.append(" ".join(line.strip() for line in block))
    page.closing = "\n\n".join(closing)


def parse_page(text: str) -> Page:
    lines = text.splitlines()
    (letterhead, title, question), index = _header(lines)
    sections, index = _sections(lines, index)
    if not sections:
        raise PageError(index + 1, 'at least one section ending in "Last updated: M/D/YYYY"')
    page = Page(letterhead=letterhead, title=title, question=question, sections=sections)
    _tail(page, lines, index)
    for section in sections:
        for number, line in section.citation_lines:
            if number not in page.references:
                raise PageError(line, f"a reference numbered {number} in the reference list for citation [{number}]")
    return page
