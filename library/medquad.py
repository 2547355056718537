"""Parse a MedQuAD XML document (the GARD collection) into a topic and its sections. Pure."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (our own data files, no entities or DTDs)
from dataclasses import dataclass, field

from library.gard_text import PageError
from library.markdown_text import escape_markdown
from library.models import SectionKind as K

QTYPE_KINDS = {
    "information": K.OVERVIEW,
    "symptoms": K.SYMPTOMS,
    "causes": K.CAUSE,
    "inheritance": K.INHERITANCE,
    "exams and tests": K.DIAGNOSIS,
    "treatment": K.TREATMENT,
    "outlook": K.PROGNOSIS,
    "frequency": K.FREQUENCY,
}
GARD_ID_RE = re.compile(r"/gard/(\d+)(?:/|$)")
# The header of the phenotype table that precedes a flattened list.
TABLE_HEADER = "Approximate number of patients (when available)"
SENTENCE_END_RE = re.compile(r"[.:;!?]\s")


@dataclass
class Document:
    name: str
    gard_id: int
    synonyms: list[str] = field(default_factory=list)
    umls_cuis: list[str] = field(default_factory=list)
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, heading, body)


def _is_item(text: str) -> bool:
    return 0 < len(text) <= 120 and not SENTENCE_END_RE.search(text + " ")


def _list_markdown(items: list[str]) -> str:
    return "\n".join("- " + escape_markdown(item.strip(), start_of_line=False) for item in items)


def unflatten(answer: str) -> str:
    """An answer flattened to one line → Markdown, its " - " lists as bullet lists again."""
    if TABLE_HEADER in answer:
        intro, _, rest = answer.partition(TABLE_HEADER)
        parts = rest.split(" - ")
        items, after = parts[:-1], parts[-1]
        if items:
            blocks = [escape_markdown((intro + TABLE_HEADER).strip()), _list_markdown(items)]
            if after.strip():
                blocks.append(escape_markdown(after.strip()))
            return "\n\n".join(blocks)
    parts = answer.split(" - ")
    # Three or more short items in a row: a list that was flattened, not a dash in a sentence.
    if len(parts) >= 4 and all(_is_item(part.strip()) for part in parts[1:-1]):
        head, tail = parts[0], parts[-1]
        cut = max((m.end() for m in SENTENCE_END_RE.finditer(head)), default=0)
        blocks = [escape_markdown(head[:cut].strip())] if cut else []
        items = [head[cut:], *parts[1:-1]]
        if _is_item(tail.strip()):
            items.append(tail)
            tail = ""
        blocks.append(_list_markdown(items))
        if tail.strip():
            blocks.append(escape_markdown(tail.strip()))
        return "\n\n".join(blocks)
    return escape_markdown(answer.strip())


def _split_heading(answer: str, qtype: str, name: str) -> tuple[str, str]:
    if qtype == "information":
        return f"What is {name}?", answer
    mark = answer.find("?")
    if mark <= 0:
        raise ValueError(f'an answer of type "{qtype}" that starts with its heading (ending in "?")')
    return answer[: mark + 1].strip(), answer[mark + 1 :].strip()


def _line_of(source: str, needle: str) -> int:
    index = source.find(needle)
    return source.count("\n", 0, index) + 1 if index >= 0 else 1


def _texts(root: ET.Element, path: str) -> list[str]:
    return [el.text.strip() for el in root.iterfind(path) if el.text and el.text.strip()]


def parse_document(source: str) -> Document:
    """Raise PageError (with the line) when the document is not what we expect."""
    try:
        root = ET.fromstring(source)  # noqa: S314 (see the import)
    except ET.ParseError as error:
        raise PageError(error.position[0], f"well-formed XML ({error})") from None
    match = GARD_ID_RE.search(root.get("url", ""))
    if root.tag != "Document" or not match:
        raise PageError(_line_of(source, "<Document"), 'a <Document url="https://.../gard/ID/...">')
    name = (root.findtext("Focus") or "").strip()
    if not name:
        raise PageError(_line_of(source, "<Focus"), "a <Focus> with the topic's name")
    doc = Document(name=name, gard_id=int(match.group(1)),
                   synonyms=_texts(root, "FocusAnnotations/Synonyms/Synonym"),
                   umls_cuis=_texts(root, "FocusAnnotations/UMLS/CUIs/CUI"))
    for pair in root.iterfind("QAPairs/QAPair"):
        question = pair.find("Question")
        qtype = question.get("qtype", "") if question is not None else ""
        answer = (pair.findtext("Answer") or "").strip()
        qid = question.get("qid") if question is not None else None
        line = _line_of(source, f'qid="{qid}"' if qid else f'<QAPair pid="{pair.get("pid")}"')
        if qtype not in QTYPE_KINDS:
            raise PageError(line, f"a qtype among {', '.join(QTYPE_KINDS)}, not {qtype!r}")
        if not answer:
            continue
        try:
            heading, text = _split_heading(answer, qtype, name)
        except ValueError as error:
            raise PageError(line, str(error)) from None
        doc.sections.append((QTYPE_KINDS[qtype], heading, unflatten(text)))
    return doc
