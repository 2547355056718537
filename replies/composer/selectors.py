"""Reads for the composer: drift of copied sections, staleness, and the library side."""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from library.models import Section, Topic
from library.search import search_sections, search_topics
from library.suggest import suggest

from ..models import Reply, ReplyBlock


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


def block_drifts(blocks: list[ReplyBlock]) -> dict[int, Drift]:
    """Block id → Drift, for the section blocks whose section changed since they were copied.

    One query for all blocks: the history rows each block was copied from together with
    the latest history row of each section.
    """
    copied = [b for b in blocks if b.kind == ReplyBlock.Kind.SECTION and b.section_id]
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


def stale_block_ids(blocks: list[ReplyBlock]) -> set[int]:
    """Section blocks whose copy is older than the library's stale threshold."""
    return {block.pk for block in blocks if block.is_stale}


@dataclass
class LibrarySide:
    """What the composer's library column shows."""

    query: str = ""
    suggestions: list[Section] = field(default_factory=list)
    results: list[Section] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    topic: Topic | None = None
    topic_sections: list[Section] = field(default_factory=list)


def _suggested(question: str) -> list[Section]:
    # suggest() and search_sections() give published sections with their topics already.
    return [section for section, _score in suggest(question).sections][:8]


def _search(query: str) -> tuple[list[Section], list[Topic]]:
    sections = [section for section, _score in search_sections(query, 20)]
    topics = [topic for topic, _score in search_topics(query, 10)]
    return sections, topics


def library_side(reply: Reply, *, query: str = "", topic_id: int | None = None) -> LibrarySide:
    side = LibrarySide(query=query.strip())
    side.suggestions = _suggested(reply.inquiry.question)
    if side.query:
        side.results, side.topics = _search(side.query)
    inquiry_topics = list(reply.inquiry.topics.all())
    if topic_id is None and inquiry_topics:
        topic_id = inquiry_topics[0].pk
    if topic_id is not None:
        side.topic = next((t for t in inquiry_topics if t.pk == topic_id), None) or Topic.objects.filter(
            pk=topic_id
        ).first()
    if side.topic is not None:
        sections = side.topic.sections.filter(status=Section.Status.PUBLISHED).select_related("topic")
        side.topic_sections = sorted(sections, key=lambda s: (Section.kind_order(s.kind), s.pk))
    if not side.topics:
        side.topics = inquiry_topics
    return side
