"""Reads for the composer: drift of copied sections, staleness, and the library side."""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, OuterRef, Q, Subquery, prefetch_related_objects
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lib.statements import replayed_rows
from lib.urls import reverse_each
from library.models import Section, StandardText, Topic
from library.placeholders import fill_placeholders
from library.search import search_sections, search_topics
from library.suggest import suggest

from ..answered import LEARNED_FROM, SHOWN, Similar, chosen_sections, letters_using, similar_letters
from ..letter.assembly import placeholder_values
from ..models import Reply, ReplyBlock

SUGGESTED = 8  # suggestions shown
LEARNED = 0.5  # how far up a section moves per unit of similarity of the letters that chose it


@dataclass(frozen=True)
class Drift:
    """A copied section whose library original has changed since it was copied."""

    block_id: int
    changed_at: datetime
    heading: str
    last_updated: date | None
    diff: SafeString  # what changed in the library, from the copied version to now
    locally_edited: bool
    retired: bool


def diff_html(old: str, new: str) -> SafeString:
    """A line diff as HTML: every line escaped, then wrapped in <ins>/<del>."""
    lines = []
    for line in difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        text = escape(line[1:]) if line[:1] in "+- " else escape(line)
        if line.startswith("@@"):
            lines.append('<span class="diff-hunk">…</span>')
        elif line.startswith("+"):
            lines.append(f"<ins>{text}</ins>")
        elif line.startswith("-"):
            lines.append(f"<del>{text}</del>")
        else:
            lines.append(f"<span>{text}</span>")
    return mark_safe("\n".join(lines))  # noqa: S308 (each line escaped above)


def _version_text(row) -> str:
    return f"{row.heading}\n\n{row.body}\n\nLast updated: {row.last_updated}"


def _may_have_drifted(block: ReplyBlock) -> bool:
    # A block copied without a change holds its source version's text (block_from_section): while
    # its section still reads the same and is published, nothing in the history can differ.
    section = block.section
    return (block.locally_edited or section.status != Section.Status.PUBLISHED
            or _version_text(section) != _version_text(block))


def block_drifts(blocks: list[ReplyBlock]) -> dict[int, Drift]:
    """Block id → Drift, for the section blocks whose section changed since they were copied.

    One query for the blocks that may have drifted: the history rows each was copied from
    together with the latest history row of each section. None when every block still reads
    as its published section does.
    """
    copied = [b for b in blocks if b.kind == ReplyBlock.Kind.SECTION and b.section_id]
    prefetch_related_objects(copied, "section")  # no query when they came with them
    copied = [b for b in copied if _may_have_drifted(b)]
    if not copied:
        return {}
    history = Section.history.model
    latest = history.objects.filter(id=OuterRef("id")).order_by("-history_id").values("history_id")[:1]
    rows = history.objects.filter(id__in={b.section_id for b in copied}).annotate(latest_id=Subquery(latest)).filter(
        Q(history_id=F("latest_id")) | Q(history_id__in=[b.source_history_id for b in copied if b.source_history_id])
    )
    by_history_id = {}
    latest_of = {}
    for row in rows:
        by_history_id[row.history_id] = row
        if row.history_id == row.latest_id:
            latest_of[row.id] = row
    drifts = {}
    for block in copied:
        now = latest_of.get(block.section_id)
        if now is None or now.history_id == block.source_history_id:
            continue
        then = by_history_id.get(block.source_history_id)
        before = _version_text(then) if then else _version_text(block)
        after = _version_text(now)
        if before == after and now.status == Section.Status.PUBLISHED:
            continue  # saved again without a change to what a letter shows
        drifts[block.pk] = Drift(
            block_id=block.pk,
            changed_at=now.history_date,
            heading=now.heading,
            last_updated=now.last_updated,
            diff=diff_html(before, after),
            locally_edited=block.locally_edited,
            retired=now.status == Section.Status.RETIRED,
        )
    return drifts


def with_block_urls(reply: Reply, blocks: list[ReplyBlock]) -> list[ReplyBlock]:
    """The blocks, each with its `move_url`, `edit_url`, `remove_url` and `refresh_url`."""
    for action in ("move", "edit", "remove", "refresh"):
        urls = reverse_each(f"replies:{action}", [block.pk for block in blocks], reply.pk)
        for block in blocks:
            setattr(block, f"{action}_url", urls[block.pk])
    return blocks


def stale_block_ids(blocks: list[ReplyBlock]) -> set[int]:
    """Section blocks whose copy is older than the library's stale threshold."""
    return {block.pk for block in blocks if block.is_stale}


def date_warnings(blocks: list[ReplyBlock]) -> list[str]:
    """What the specialist and the reviewer should know about the dates of the copied sections."""
    unknown = [b.heading for b in blocks if b.date_unknown]
    stale = [b.heading for b in blocks if b.is_stale]
    warnings = []
    if unknown:
        warnings.append("Nobody knows when these sections were last reviewed (the letter prints no "
                        f"“Last updated” for them): {_quoted(unknown)}.")
    if stale:
        warnings.append(f"These sections were last reviewed long ago (stale): {_quoted(stale)}.")
    return warnings


def _quoted(headings: list[str]) -> str:
    return ", ".join(f"“{heading}”" for heading in headings)


@dataclass(frozen=True)
class Suggested:
    """A suggested section and why: the kind asked, the letters that used it, similar ones that chose it."""

    section: Section
    asked: bool
    letters: int
    similar: int

    @property
    def why(self) -> str:
        """"asked: cause · used in 12 letters on this topic · chosen for 2 similar questions"."""
        reasons = [f"asked: {self.section.get_kind_display().lower()}"] if self.asked else []
        if self.letters:
            reasons.append(f"used in {self.letters} letter{pluralize(self.letters)} on this topic")
        if self.similar:
            reasons.append(f"chosen for {self.similar} similar question{pluralize(self.similar)}")
        return " · ".join(reasons)


@dataclass(frozen=True)
class AnsweredBefore:
    """An earlier sent letter for a similar question, with the headings of its sections."""

    similar: Similar
    headings: list[str]


@dataclass
class LibrarySide:
    """What the composer's library column shows."""

    query: str = ""
    # "exact", "fuzzy" (ask "did you mean ...?") or "none" (suggestions found by their words only)
    match: str = "none"
    did_you_mean: list[Topic] = field(default_factory=list)
    no_match_texts: list[StandardText] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # what the question asks, as the desk reads it
    suggestions: list[Suggested] = field(default_factory=list)
    answered_before: list[AnsweredBefore] = field(default_factory=list)
    results: list[Section] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    topic: Topic | None = None
    topic_sections: list[Section] = field(default_factory=list)

    @property
    def kind_choices(self) -> list[tuple[str, str, bool]]:
        """(kind, label, asked) for every kind a question may ask for: the one-click corrections."""
        return [(k, label, k in self.kinds) for k, label in Section.Kind.choices if k != Section.Kind.OTHER]

    @property
    def asked(self) -> str:
        """"cause, treatment": what the question asks, as the desk reads it."""
        return ", ".join(Section.Kind(k).label.lower() for k in self.kinds)


def _answered_before(similar: list[Similar]) -> list[AnsweredBefore]:
    if not similar:
        return []
    headings: dict[int, list[str]] = {s.letter.reply_id: [] for s in similar}
    blocks = ReplyBlock.objects.filter(reply_id__in=headings, kind=ReplyBlock.Kind.SECTION).order_by("position", "id")
    for reply_id, heading in blocks.values_list("reply_id", "heading"):
        headings[reply_id].append(heading)
    return [AnsweredBefore(s, headings[s.letter.reply_id]) for s in similar]


def _published(ids: list[int], known: dict[int, Section] | None = None) -> list[Section]:
    """The sections with these ids, in this order, published only, with their topics. `known`:
    published sections with their topics read moments ago (the suggestion's), not read again."""
    found = dict(known or {})
    missing = [pk for pk in ids if pk not in found]
    if missing:
        found |= Section.objects.select_related("topic").filter(status=Section.Status.PUBLISHED).in_bulk(missing)
    return [found[pk] for pk in ids if pk in found]


def _suggested(reply: Reply, side: LibrarySide, topic_ids: list[int]) -> dict[int, list[Section]]:
    """The suggestions for the question, the sections chosen for similar questions moved up.
    Returns the published sections the suggestion read, by topic id."""
    question = reply.inquiry.question
    suggestion = suggest(question, language=reply.inquiry.language)
    side.kinds = suggestion.kinds
    _match(reply, side, suggestion, topic_ids)
    similar = similar_letters(question, topic_ids or [t.pk for t, _ in suggestion.topics],
                              exclude_inquiry=reply.inquiry_id, limit=LEARNED_FROM)
    side.answered_before = _answered_before(similar[:SHOWN])
    chosen = chosen_sections(similar)
    scores = {section.pk: score for section, score in suggestion.sections}
    for section_id, (weight, _count) in chosen.items():
        scores[section_id] = scores.get(section_id, 0.0) + LEARNED * weight
    ranked = sorted(scores, key=lambda pk: -scores[pk])
    sections = _published(ranked, known={section.pk: section for section, _score in suggestion.sections})[:SUGGESTED]
    used = letters_using([s.pk for s in sections])
    side.suggestions = [Suggested(s, s.kind in suggestion.kinds, used.get(s.pk, 0), chosen.get(s.pk, (0, 0))[1])
                        for s in _language_first(sections, reply.language)]
    return suggestion.published


def _match(reply: Reply, side: LibrarySide, suggestion, topic_ids: list[int]) -> None:
    """How sure the desk is of the topic; "did you mean ...?" or the no-match paragraphs when unsure."""
    side.match = "exact" if topic_ids else suggestion.match
    if side.match == "fuzzy":
        side.did_you_mean = [topic for topic, _score in suggestion.topics[:3]]
    if side.match == "none":
        side.no_match_texts = list(StandardText.objects.filter(
            kind__in=StandardText.NO_MATCH_KINDS, language=reply.language).order_by("kind", "-is_default", "name"))


def _language_first(sections: list[Section], language: str) -> list[Section]:
    """The letter's language first, otherwise in the order given."""
    return sorted(sections, key=lambda section: section.language != language)


def _search(query: str, language: str) -> tuple[list[Section], list[Topic]]:
    sections = [section for section, _score in search_sections(query, 20)]
    topics = [topic for topic, _score in search_topics(query, 10)]
    return _language_first(_published([s.pk for s in sections]), language), topics


def library_side(reply: Reply, *, query: str = "", topic_id: int | None = None) -> LibrarySide:
    side = LibrarySide(query=query.strip())
    inquiry_topics = list(reply.inquiry.topics.all())
    # The suggestion read the named topics' published sections: a topic among them is not read again.
    published = _suggested(reply, side, [t.pk for t in inquiry_topics])
    if side.query:
        side.results, side.topics = _search(side.query, reply.language)
    if topic_id is None and inquiry_topics:
        topic_id = inquiry_topics[0].pk
    if topic_id is not None:
        # The inquiry's own topics are loaded already (the composer prefetches them).
        side.topic = next((t for t in inquiry_topics if t.pk == topic_id), None) or Topic.objects.filter(
            pk=topic_id
        ).first()
    if side.topic is not None:
        sections = published.get(side.topic.pk)
        if sections is None:
            sections = side.topic.sections.filter(status=Section.Status.PUBLISHED).select_related("topic")
        side.topic_sections = sorted(sections, key=lambda s: (Section.kind_order(s.kind), s.pk))
    if not side.topics:
        side.topics = inquiry_topics
    return side


def standard_text_options(language: str) -> list[tuple[int, str]]:
    """The standard texts the composer offers to add, in the letter's language and English: (id, label)."""
    rows = replayed_rows(("standard_texts", language), lambda: StandardText.objects.filter(
        language__in=[language, "en"]).values_list("pk", "kind", "language", "name"))
    kinds = dict(StandardText.Kind.choices)
    return [(pk, f"{kinds.get(kind, kind)} ({in_language}): {name}") for pk, kind, in_language, name in rows]


def contributor_names(reply: Reply) -> list[str]:
    rows = replayed_rows(("contributors", reply.pk),
                         lambda: reply.contributors.values_list(reply.contributors.model.USERNAME_FIELD))
    return sorted(name for (name,) in rows)


@dataclass(frozen=True)
class TextModule:
    """A standard paragraph to insert while editing a block, its placeholders already filled."""

    shortcut: str
    name: str
    body: str


def text_modules(reply: Reply) -> list[TextModule]:
    """The text modules in the reply's language (standard texts with a shortcut). The requester's
    name, the topic and the reference are put in as Markdown-escaped text (fill_placeholders), so a
    name can never become a link, markup or a citation when the block is rendered."""
    texts = StandardText.objects.filter(language=reply.language).exclude(shortcut="").order_by("shortcut")
    topics = list(reply.inquiry.topics.all()[:1])
    values = placeholder_values(reply, topics, timezone.localdate())
    return [
        TextModule(text.shortcut, text.name, fill_placeholders(text.body, values, reply.language)) for text in texts
    ]
