"""Write parsed pages and documents into the library: one file, one transaction, idempotent."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from lib.markup import validate_markdown
from library.gard_list import gard_names
from library.gard_text import NUMBER_CITATION_RE, Page
from library.kinds import kind_of_heading
from library.medquad import Document
from library.models import Reference, Section, StandardText, Topic

YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
URL_RE = re.compile(r"https?://\S+?(?=[.,;]?(?:\s|$))")
PMID_RE = re.compile(r"PMID:?\s*(\d+)", re.IGNORECASE)
DOI_RE = re.compile(r"\bdoi:?\s*(10\.\S+?)(?=[.,;]?(?:\s|$))", re.IGNORECASE)
INITIALS_RE = re.compile(r"^[A-Z](?:\.?[A-Z]){0,2}\.?$")


@dataclass
class Counts:
    topics: int = 0
    sections: int = 0
    topics_unchanged: int = 0
    sections_unchanged: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("topics", "sections", "topics_unchanged", "sections_unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def reference_key_base(text: str) -> str:
    """First author's surname and the year: "Koronowska SK, ... 2013; ..." → koronowska2013."""
    author = re.split(r"[.,;]\s", text + " ", maxsplit=1)[0]
    words = author.split()
    # "Rongioletti F", "Liotta E.A" put the surname first; "Eugene Tan" puts it last.
    if len(words) > 1 and not INITIALS_RE.match(words[-1]):
        surname = words[-1]
    else:
        surname = words[0] if words else "ref"
    year = YEAR_RE.search(text)
    return (_ascii_slug(surname) or "ref")[:100] + (year.group(1) if year else "")


def free_reference_key(text: str) -> str:
    """reference_key_base(text), with b, c, ... appended while another reference has that key."""
    base = reference_key_base(text)
    taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
    key, suffix = base, ord("b")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    return key


def reference_for_text(text: str) -> Reference:
    """The reference with exactly this text, created with a fresh key if there is none."""
    existing = Reference.objects.filter(text=text).order_by("pk").first()
    if existing:
        return existing
    key = free_reference_key(text)
    url, pmid, doi = URL_RE.search(text), PMID_RE.search(text), DOI_RE.search(text)
    return Reference.objects.create(
        key=key, text=text, url=url.group(0) if url else "", pmid=pmid.group(1) if pmid else "",
        doi=doi.group(1) if doi else "",
    )


def assign_changed(instance, wanted: dict) -> list[str]:
    """Set the fields of instance that differ from wanted; their names, for save(update_fields=...)."""
    changed = [name for name, value in wanted.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, wanted[name])
    return changed


def _check_body(where: str, body: str) -> None:
    """ValidationError naming the section when a body is over the Markdown length limit."""
    try:
        validate_markdown(body)
    except ValidationError as error:
        raise ValidationError(f"{where}: {error.messages[0]}", code=error.code) from None


def _save_section(topic: Topic, kind: str, heading: str, body: str, last_updated, references,
                  language: str = "en") -> bool:
    """Create or update the topic's section of this kind (or heading, for "other") in this language.

    The date comes only from the source: without one (MedQuAD) a new section's date is unknown and
    an existing section keeps the date an editor gave it. True if written.
    """
    _check_body(f"{topic.name}, {heading}", body)
    lookup = {"topic": topic, "language": language}
    lookup.update({"kind": kind} if kind != Section.Kind.OTHER else {"heading": heading})
    section = Section.objects.filter(**lookup).order_by("pk").first()
    wanted = {"kind": kind, "heading": heading, "body": body, "status": Section.Status.PUBLISHED, "language": language}
    if last_updated is not None:
        wanted["last_updated"] = last_updated
    if section is None:
        section = Section.objects.create(topic=topic, **wanted)
        if references:
            section.references.set(references)
        return True
    changed = assign_changed(section, wanted)
    if changed:
        section.save(update_fields=[*changed, "updated_at"])
    ref_ids = {ref.pk for ref in references}
    if ref_ids != set(section.references.values_list("pk", flat=True)):
        section.references.set(references)
        changed.append("references")
    return bool(changed)


def standard_text_import(*, kind: str, body: str, language: str = "en", name: str = "GARD") -> bool:
    """Keep this text as a standard text of its kind (default if the kind has none); True if created."""
    if not body or StandardText.objects.filter(kind=kind, language=language, body=body).exists():
        return False
    _check_body(f"the {kind}", body)
    taken = set(StandardText.objects.filter(kind=kind, language=language).values_list("name", flat=True))
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name} {number}", number + 1
    has_default = StandardText.objects.filter(kind=kind, language=language, is_default=True).exists()
    StandardText.objects.create(kind=kind, language=language, name=unique, body=body, is_default=not has_default)
    return True


def _cite_by_key(body: str, keys: dict[int, str]) -> str:
    return NUMBER_CITATION_RE.sub(lambda m: f"[@{keys[int(m.group(1))]}]", body)


@transaction.atomic
def import_page(page: Page, language: str = "en") -> Counts:
    counts = Counts()
    topic = Topic.objects.filter(name__iexact=page.title).order_by("pk").first()
    if topic is None:
        topic = Topic.objects.create(name=page.title, language=language)
        counts.topics += 1
    else:
        counts.topics_unchanged += 1
    references = {number: reference_for_text(text) for number, text in page.references.items()}
    keys = {number: ref.key for number, ref in references.items()}
    for part in page.sections:
        cited = [references[number] for number in dict.fromkeys(n for n, _ in part.citation_lines)]
        kind = kind_of_heading(part.heading, topic.name)
        written = _save_section(topic, kind, part.heading, _cite_by_key(part.body, keys), part.last_updated, cited,
                                language)
        counts.sections += written
        counts.sections_unchanged += not written
    for kind, body in (
        (StandardText.Kind.LETTERHEAD, page.letterhead),
        (StandardText.Kind.CLOSING, page.closing),
        (StandardText.Kind.SIGNATURE, page.signature),
        (StandardText.Kind.DISCLAIMER, page.disclaimer),
    ):
        standard_text_import(kind=kind, body=body, language=language)
    return counts


def merge_unique(current: list, new: list) -> list:
    return list(dict.fromkeys([*(current or []), *new]))


@transaction.atomic
def import_document(doc: Document) -> Counts:
    counts = Counts()
    topic = Topic.objects.filter(gard_id=doc.gard_id).first()
    # GARD's own names for the disease too, so that questions using them find it.
    names = [doc.name, *doc.synonyms, *gard_names(doc.gard_id)]
    if topic is None:
        topic = Topic.objects.create(name=doc.name, gard_id=doc.gard_id,
                                     synonyms=merge_unique([], [s for s in names if s != doc.name]),
                                     umls_cuis=merge_unique([], doc.umls_cuis))
        counts.topics += 1
    else:
        # Known under another name already: this document's name becomes a synonym.
        wanted = {"synonyms": merge_unique(topic.synonyms, [s for s in names if s != topic.name]),
                  "umls_cuis": merge_unique(topic.umls_cuis, doc.umls_cuis)}
        changed = assign_changed(topic, wanted)
        if changed:
            topic.save(update_fields=[*changed, "updated_at"])
        counts.topics += bool(changed)
        counts.topics_unchanged += not changed
    for kind, heading, body in doc.sections:
        written = _save_section(topic, kind, heading, body, None, [])
        counts.sections += written
        counts.sections_unchanged += not written
    return counts
