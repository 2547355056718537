"""Writes on replies. Each checks the current state, works in one transaction and logs it."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from inquiries.models import Inquiry
from inquiries.workflow import inquiry_transition, record_event
from library.models import Section, StandardText

from .models import Reply, ReplyBlock

HEAD_KINDS = ("letterhead", "greeting")
TAIL_KINDS = ("closing", "signature", "disclaimer")


class ReplyError(Exception):
    """A reply action that is not allowed now; nothing was changed."""


def default_standard_texts(language: str) -> dict[str, StandardText]:
    """The default standard text of each kind in the language, else in English."""
    texts: dict[str, StandardText] = {}
    for text in StandardText.objects.filter(is_default=True, language__in=[language, "en"]):
        if text.kind not in texts or text.language == language:
            texts[text.kind] = text
    return texts


def block_from_standard_text(text: StandardText) -> ReplyBlock:
    return ReplyBlock(kind=ReplyBlock.Kind.STANDARD, standard_text=text, standard_kind=text.kind, body=text.body)


def block_from_section(section: Section) -> ReplyBlock:
    """A copy of the section as it is now, remembering which version it came from."""
    latest = section.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return ReplyBlock(
        kind=ReplyBlock.Kind.SECTION,
        section=section,
        source_history_id=latest,
        heading=section.heading,
        body=section.body,
        last_updated=section.last_updated,
    )


def sections_for(inquiry: Inquiry, choice: str | Iterable[str]) -> list[Section]:
    """The published sections a new draft starts with.

    choice: "none"; "all" (every published section of the inquiry's topics, in canonical
    order); "auto" (the suggestions for the question); or an iterable of section kinds.
    """
    if choice == "none":
        return []
    if choice == "auto":
        from library.suggest import suggest

        topic_ids = set(inquiry.topics.values_list("id", flat=True))
        suggested = [section for section, _score in suggest(inquiry.question).sections]
        if topic_ids:
            suggested = [s for s in suggested if s.topic_id in topic_ids] or suggested
        return suggested
    sections = Section.objects.filter(topic__in=inquiry.topics.all(), status=Section.Status.PUBLISHED)
    if choice != "all":
        sections = sections.filter(kind__in=list(choice))
    topic_order = {t: i for i, t in enumerate(inquiry.topics.order_by("name").values_list("id", flat=True))}
    return sorted(sections, key=lambda s: (topic_order.get(s.topic_id, 0), Section.kind_order(s.kind), s.id))


@transaction.atomic
def reply_start(
    *, inquiry: Inquiry, by: AbstractBaseUser, sections: str | Iterable[str] = "none", title: str = ""
) -> Reply:
    """A new draft: the default standard texts around the chosen sections."""
    language = inquiry.language or "en"
    reply = Reply.objects.create(inquiry=inquiry, author=by, title=title or inquiry.question.strip(), language=language)
    standard = default_standard_texts(language)
    blocks = [block_from_standard_text(standard[k]) for k in HEAD_KINDS if k in standard]
    blocks += [block_from_section(section) for section in sections_for(inquiry, sections)]
    blocks += [block_from_standard_text(standard[k]) for k in TAIL_KINDS if k in standard]
    for position, block in enumerate(blocks):
        block.reply = reply
        block.position = position
    ReplyBlock.objects.bulk_create(blocks)
    if inquiry.status == Inquiry.Status.ASSIGNED:
        inquiry_transition(inquiry=inquiry, to=Inquiry.Status.DRAFTING, by=by, action="reply.started",
                           data={"reply": reply.pk})
    else:
        record_event(inquiry=inquiry, action="reply.started", by=by, data={"reply": reply.pk})
    return reply
