"""Writes on replies. Each checks the current state, works in one transaction and logs it."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inquiries.models import Inquiry, NotificationKind
from inquiries.services import inquiry_flag_research, inquiry_follow_reply, inquiry_mark_drafting, inquiry_set_topics
from inquiries.workflow import record_event
from lib import roles
from lib.markup import validate_markdown
from lib.roles import has_role
from library.models import Section, StandardText, Topic
from library.services import sections_record_use
from library.suggest import Suggestion, rank_sections, suggest
from library.titles import letter_title, topic_in_sentence

from ..letter.assembly import HEAD_KINDS, TAIL_KINDS, Letter, assemble_letter
from ..models import AnsweredLetter, Reply, ReplyBlock

BLOCK_GONE = "That block is no longer in this reply (someone may have removed it)."


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
    return ReplyBlock(kind=ReplyBlock.Kind.STANDARD, standard_text=text, standard_kind=text.kind, body=text.body,
                      language=text.language)


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
        language=section.language,
    )


AUTO_LIMIT = 10  # sections a draft from suggestions starts with at most, when no kind is asked


def sure_topics(inquiry: Inquiry, suggestion: Suggestion) -> list[Topic]:
    """The topics a draft may answer from: the inquiry's own, and those the question names exactly.

    A typo-tolerant reading ("did you mean ...?") and sections found only by their words are
    suggestions for a person to pick, never the content of a draft.
    """
    return list(dict.fromkeys([*inquiry.topics.order_by("name"), *suggestion.exact_topics]))


def in_language(sections: list[Section], language: str) -> list[Section]:
    """Of the sections of one topic and kind, those in the language, when there are any."""
    present = {(s.topic_id, s.kind) for s in sections if s.language == language}
    return [s for s in sections if s.language == language or (s.topic_id, s.kind) not in present]


def sections_for(inquiry: Inquiry, choice: str | Iterable[str], suggestion: Suggestion | None = None) -> list[Section]:
    """The published sections a new draft starts with, in the letter's language where the library has it.

    choice: "none"; "all" (every published section of the inquiry's topics, in canonical
    order); "auto" (for the topics the question surely names: the kinds asked for and the
    overview); or an iterable of section kinds.
    """
    if choice == "none":
        return []
    language = inquiry.language or "en"
    if choice == "auto":
        suggestion = suggestion or suggest(inquiry.question, language=inquiry.language)
        topics = sure_topics(inquiry, suggestion)
        # What the question asks for, plus the overview; the topic's other sections stay on
        # the library side of the composer, one click away.
        wanted = {*suggestion.kinds, Section.Kind.OVERVIEW}
        published = defaultdict(list)
        rows = Section.objects.filter(topic__in=topics, status=Section.Status.PUBLISHED).select_related("topic")
        for section in rows:
            published[section.topic_id].append(section)
        ranked = [s for s, _ in rank_sections([(t, 1.0) for t in topics], suggestion.kinds, published)]
        chosen = in_language([s for s in ranked if s.kind in wanted] if suggestion.kinds else ranked, language)
        chosen = chosen if suggestion.kinds else chosen[:AUTO_LIMIT]
        topic_order = {topic.pk: i for i, topic in enumerate(topics)}
    else:
        sections = Section.objects.filter(topic__in=inquiry.topics.all(), status=Section.Status.PUBLISHED)
        if choice != "all":
            sections = sections.filter(kind__in=list(choice))
        chosen = in_language(list(sections), language)
        topic_order = {t: i for i, t in enumerate(inquiry.topics.order_by("name").values_list("id", flat=True))}
    return sorted(chosen, key=lambda s: (topic_order.get(s.topic_id, 0), Section.kind_order(s.kind), s.pk))


def draft_title(inquiry: Inquiry, suggestion: Suggestion, language: str) -> str:
    """The question restated from its topic and the kinds asked: never the requester's own words."""
    topics = sure_topics(inquiry, suggestion)
    name = topic_in_sentence(topics[0], language) if topics else None
    return letter_title(name, suggestion.kinds, language)


@transaction.atomic
def reply_start(
    *, inquiry: Inquiry, by: AbstractBaseUser, sections: str | Iterable[str] = "none", title: str = ""
) -> Reply:
    """A new draft: the default standard texts around the chosen sections.

    When the question names no topic of the library, the inquiry is flagged "research needed".
    """
    language = inquiry.language or "en"
    suggestion = suggest(inquiry.question, language=inquiry.language)
    title = title.strip() or draft_title(inquiry, suggestion, language)
    reply = Reply.objects.create(inquiry=inquiry, author=by, title=title, language=language)
    standard = default_standard_texts(language)
    chosen = sections_for(inquiry, sections, suggestion)
    blocks = [block_from_standard_text(standard[k]) for k in HEAD_KINDS if k in standard]
    blocks += [block_from_section(section) for section in chosen]
    blocks += [block_from_standard_text(standard[k]) for k in TAIL_KINDS if k in standard]
    for position, block in enumerate(blocks):
        block.reply = reply
        block.position = position
    ReplyBlock.objects.bulk_create(blocks)
    sections_record_use([section.pk for section in chosen])
    reply.contributors.add(by)
    inquiry_mark_drafting(inquiry=inquiry, by=by, data={"reply": reply.pk})
    if not inquiry.topics.exists():
        if suggestion.exact_topics:
            # The letter is about the topics it answers from: its heading names them.
            inquiry_set_topics(inquiry=inquiry, topics=suggestion.exact_topics, by=by)
        elif suggestion.match == "none":
            inquiry_flag_research(inquiry=inquiry, needed=True, by=by, note="No library topic matched the question.")
    return reply


# --- Editing: every write starts from the version the editor loaded -------------------------

EDITABLE = (Reply.Status.DRAFTING,)


class ReplyConflict(ReplyError):
    """Someone else saved the reply after the editor loaded it; nothing was changed.

    `current` is the reply as it is now, so the view can show what changed.
    """

    def __init__(self, current: Reply, expected: int):
        self.current = current
        self.expected = expected
        super().__init__(
            f"Someone else changed this reply since you opened it (version {expected}, now {current.version}). "
            "Your change was not saved."
        )


def _claim(reply: Reply, version: int, statuses: Iterable[str] = EDITABLE) -> Reply:
    """Bump the version if it is still `version`, and return the row, locked.

    Call inside transaction.atomic: the conditional UPDATE is both the conflict check
    and the row lock (a second writer waits, then finds the version moved on).
    """
    claimed = Reply.objects.filter(pk=reply.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    current = Reply.objects.select_for_update().select_related("inquiry").get(pk=reply.pk)
    if not claimed:
        raise ReplyConflict(current, version)
    if current.status not in statuses:
        raise ReplyError(f"This reply is {current.get_status_display().lower()}; it cannot be changed now.")
    return current


@contextmanager
def _editing(
    reply: Reply, version: int, statuses: Iterable[str] = EDITABLE, *, by: AbstractBaseUser | None = None
) -> Iterator[Reply]:
    """One edit of a reply: claimed at `version`, in one transaction; `reply` follows on success.
    `by` changes the letter: they join its contributors (who may not approve it)."""
    with transaction.atomic():
        current = _claim(reply, version, statuses)
        yield current
        if by is not None:
            current.contributors.add(by)
    for name in ("version", "status", "title", "reviewer_id", "review_comment", "updated_at"):
        setattr(reply, name, getattr(current, name))
    if "reviewer" in current._state.fields_cache:
        reply.reviewer = current.reviewer


def _renumber(reply: Reply, blocks: list[ReplyBlock]) -> None:
    changed = []
    for position, block in enumerate(blocks):
        if block.position != position:
            block.position = position
            changed.append(block)
    ReplyBlock.objects.bulk_update(changed, ["position"])


def _block_of(reply: Reply, block_id: int) -> ReplyBlock:
    try:
        return reply.blocks.get(pk=block_id)
    except ReplyBlock.DoesNotExist as exc:
        raise ReplyError(BLOCK_GONE) from exc


def _insert_at(blocks: list[ReplyBlock]) -> int:
    """New blocks go after the body, before the closing texts."""
    for index, block in enumerate(blocks):
        if block.kind == ReplyBlock.Kind.STANDARD and block.standard_kind in TAIL_KINDS:
            return index
    return len(blocks)


def _check_body(body: str) -> None:
    try:
        validate_markdown(body)
    except ValidationError as error:
        raise ReplyError(error.messages[0]) from None


def reply_block_add(
    *,
    reply: Reply,
    version: int,
    by: AbstractBaseUser,
    section: Section | None = None,
    standard_text: StandardText | None = None,
    heading: str = "",
    body: str = "",
) -> ReplyBlock:
    """Add a copied section, a standard text, or (neither given) a custom paragraph.

    A section already in the letter is refused: a letter says each thing once.
    """
    if section is not None:
        if section.status != Section.Status.PUBLISHED:
            raise ReplyError("Only published sections can go into a letter.")
        block = block_from_section(section)
    elif standard_text is not None:
        block = block_from_standard_text(standard_text)
    else:
        if not body.strip():
            raise ReplyError("A custom paragraph needs some text.")
        _check_body(body)
        block = ReplyBlock(kind=ReplyBlock.Kind.CUSTOM, heading=heading.strip(), body=body)
    with _editing(reply, version, by=by):
        blocks = list(reply.blocks.order_by("position", "id"))
        if section is not None and any(b.section_id == section.pk for b in blocks):
            raise ReplyError(f"“{section.heading}” is already in the letter.")
        block.reply = reply
        block.position = len(blocks)
        block.save()
        if section is not None:
            sections_record_use([section.pk])
        blocks.insert(_insert_at(blocks), block)
        _renumber(reply, blocks)
        record_event(inquiry=reply.inquiry, action="reply.block_added", by=by,
                     data={"reply": reply.pk, "block": block.pk, "kind": block.kind})
    return block


def reply_use_topic(*, reply: Reply, version: int, by: AbstractBaseUser, topic: Topic) -> list[ReplyBlock]:
    """"Did you mean ...?" answered yes: the topic becomes the inquiry's, and its sections for the
    kinds asked (and the overview) go into the letter, those already in it left alone."""
    inquiry = reply.inquiry
    suggestion = suggest(inquiry.question, language=inquiry.language)
    with _editing(reply, version) as current:
        inquiry_set_topics(inquiry=inquiry, topics=[*inquiry.topics.all(), topic], by=by)
        blocks = list(current.blocks.order_by("position", "id"))
        present = {b.section_id for b in blocks}
        wanted = [s for s in sections_for(inquiry, "auto", suggestion) if s.topic_id == topic.pk]
        added = [block_from_section(s) for s in wanted if s.pk not in present]
        at = _insert_at(blocks)
        for offset, block in enumerate(added):
            block.reply = current
            block.position = len(blocks) + offset
            block.save()
        blocks[at:at] = added
        _renumber(current, blocks)
        sections_record_use([b.section_id for b in added])
        if current.title == letter_title(None, [], current.language):
            current.title = draft_title(inquiry, suggestion, current.language)
            current.save(update_fields=["title", "updated_at"])
        record_event(inquiry=inquiry, action="reply.topic_confirmed", by=by,
                     data={"reply": current.pk, "topic": topic.name, "sections": len(added)})
    return added


def reply_start_from_letter(*, reply: Reply, version: int, by: AbstractBaseUser, letter: AnsweredLetter) -> int:
    """Copy the section blocks of an earlier sent letter into this draft, as they were sent.

    Each copy keeps the section version it came from, so the drift and staleness warnings
    apply as to any copied section. Sections already in the draft are not copied twice; custom
    paragraphs stay behind (they were written for someone else). Returns how many were copied.
    """
    if letter.reply.inquiry_id == reply.inquiry_id:
        raise ReplyError("That letter answered this inquiry already.")
    with _editing(reply, version):
        blocks = list(reply.blocks.order_by("position", "id"))
        present = {block.section_id for block in blocks if block.section_id}
        copies = []
        for old in letter.reply.blocks.filter(kind=ReplyBlock.Kind.SECTION).order_by("position", "id"):
            if old.section_id in present:
                continue
            present.add(old.section_id)
            copies.append(ReplyBlock(
                reply=reply, position=len(blocks) + len(copies), kind=ReplyBlock.Kind.SECTION,
                section_id=old.section_id, source_history_id=old.source_history_id, heading=old.heading,
                body=old.body, last_updated=old.last_updated, language=old.language,
                locally_edited=old.locally_edited,
            ))
        if not copies:
            raise ReplyError("Every section of that letter is in this one already.")
        ReplyBlock.objects.bulk_create(copies)
        at = _insert_at(blocks)
        _renumber(reply, blocks[:at] + copies + blocks[at:])
        record_event(inquiry=reply.inquiry, action="reply.started_from_letter", by=by,
                     data={"reply": reply.pk, "from_reply": letter.reply_id, "blocks": len(copies)})
    return len(copies)


def reply_block_move(*, reply: Reply, version: int, by: AbstractBaseUser, block_id: int, direction: str) -> None:
    """Move a block one place up or down."""
    if direction not in ("up", "down"):
        raise ReplyError("A block moves up or down.")
    with _editing(reply, version, by=by):
        blocks = list(reply.blocks.order_by("position", "id"))
        index = next((i for i, b in enumerate(blocks) if b.pk == block_id), None)
        if index is None:
            raise ReplyError(BLOCK_GONE)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(blocks):
            raise ReplyError(f"That block is already at the {'top' if direction == 'up' else 'bottom'}.")
        blocks[index], blocks[other] = blocks[other], blocks[index]
        _renumber(reply, blocks)


def reply_block_remove(*, reply: Reply, version: int, by: AbstractBaseUser, block_id: int) -> None:
    with _editing(reply, version, by=by):
        block = _block_of(reply, block_id)
        block.delete()
        _renumber(reply, list(reply.blocks.order_by("position", "id")))
        record_event(inquiry=reply.inquiry, action="reply.block_removed", by=by,
                     data={"reply": reply.pk, "block": block_id, "kind": block.kind})


def reply_block_edit(
    *, reply: Reply, version: int, by: AbstractBaseUser, block_id: int, heading: str, body: str
) -> ReplyBlock:
    """Change a block's copy. The library is untouched; the block remembers it was edited."""
    _check_body(body)
    with _editing(reply, version, by=by):
        block = _block_of(reply, block_id)
        if (block.heading, block.body) != (heading, body):
            block.heading = heading
            block.body = body
            block.locally_edited = True
            block.save(update_fields=["heading", "body", "locally_edited"])
    return block


def reply_block_refresh(
    *, reply: Reply, version: int, by: AbstractBaseUser, block_id: int, confirm: bool = False
) -> ReplyBlock:
    """Replace a section block's copy by the section as it is now in the library.

    A copy edited in the reply is only replaced when `confirm` is given: the edits are lost.
    """
    with _editing(reply, version, by=by):
        block = _block_of(reply, block_id)
        if block.kind != ReplyBlock.Kind.SECTION:
            raise ReplyError("Only a library section can be refreshed.")
        if block.locally_edited and not confirm:
            raise ReplyError("This copy was edited in the reply; confirm that your edits may be replaced.")
        fresh = block_from_section(Section.objects.get(pk=block.section_id))
        copied = ("source_history_id", "heading", "body", "last_updated", "language")
        for field in copied:
            setattr(block, field, getattr(fresh, field))
        block.locally_edited = False
        block.save(update_fields=[*copied, "locally_edited"])
        record_event(inquiry=reply.inquiry, action="reply.block_refreshed", by=by,
                     data={"reply": reply.pk, "block": block.pk, "section": block.section_id})
    return block


def reply_update(*, reply: Reply, version: int, by: AbstractBaseUser, title: str) -> Reply:
    title = title.strip()
    if not title:
        raise ReplyError("A letter needs a title.")
    with _editing(reply, version, by=by) as current:
        current.title = title
        current.save(update_fields=["title", "updated_at"])
    return reply


# --- Review -----------------------------------------------------------------------------------


def sendable_statuses() -> tuple[str, ...]:
    """The statuses a reply may be sent from: approved, or also drafting when review is optional."""
    if settings.REPLY_REVIEW_REQUIRED:
        return (Reply.Status.APPROVED,)
    return (Reply.Status.APPROVED, Reply.Status.DRAFTING)


def _check_sendable(reply: Reply) -> Letter:
    letter = assemble_letter(reply)
    if not letter.is_sendable:
        raise ReplyError(letter.not_sendable_because)
    return letter


def _check_one_language(reply: Reply, letter: Letter, by: AbstractBaseUser, confirm: bool) -> None:
    """A letter in two languages goes on only when the specialist says so; the timeline keeps it."""
    if not letter.mixed_languages:
        return
    if not confirm:
        raise ReplyError(f"{letter.mixed_languages} Translate or replace them, or confirm that the letter may "
                         "mix languages.")
    record_event(inquiry=reply.inquiry, action="reply.languages_confirmed", by=by, note=letter.mixed_languages,
                 data={"reply": reply.pk, "letter": letter.language,
                       "others": sorted({b.language for b in letter.foreign_blocks})})


def _set_status(current: Reply, status: str, **changes) -> None:
    current.status = status
    for field, value in changes.items():
        setattr(current, field, value)
    current.save(update_fields=["status", "updated_at", *changes])


def reply_submit(*, reply: Reply, version: int, by: AbstractBaseUser, confirm_languages: bool = False) -> Reply:
    """drafting → in review (when review is required)."""
    if not settings.REPLY_REVIEW_REQUIRED:
        raise ReplyError("Review is not required here: mark the reply ready instead.")
    with _editing(reply, version, by=by) as current:
        _check_one_language(current, _check_sendable(current), by, confirm_languages)
        _set_status(current, Reply.Status.IN_REVIEW, review_comment="")
        inquiry_follow_reply(inquiry=reply.inquiry, to=Inquiry.Status.IN_REVIEW, by=by, action="reply.submitted",
                             data={"reply": reply.pk})
    return reply


def approval_refused(reply: Reply, user: AbstractBaseUser) -> str:
    """Why `user` may not approve `reply` ("" when they may): nobody approves a letter they wrote
    or changed, so a second pair of eyes sees every word."""
    if reply.author_id == user.pk or reply.contributors.filter(pk=user.pk).exists():
        return "You wrote or changed this reply, so you cannot approve it: ask a reviewer who did not work on it."
    return ""


def reply_approve(*, reply: Reply, version: int, by: AbstractBaseUser) -> Reply:
    """in review → approved, by a reviewer who is not the author."""
    if not has_role(by, roles.REVIEWER):
        raise ReplyError("Only a reviewer can approve a reply.")
    with _editing(reply, version, statuses=(Reply.Status.IN_REVIEW,)) as current:
        refused = approval_refused(current, by)
        if refused:
            raise ReplyError(refused)
        _check_sendable(current)
        _set_status(current, Reply.Status.APPROVED, reviewer=by)
        inquiry_follow_reply(inquiry=reply.inquiry, to=Inquiry.Status.READY, by=by, action="reply.approved",
                             data={"reply": reply.pk}, tell=current.author, notice=NotificationKind.APPROVED)
    return reply


def reply_return(*, reply: Reply, version: int, by: AbstractBaseUser, comment: str) -> Reply:
    """in review → drafting, with the reviewer's comment for the author."""
    if not has_role(by, roles.REVIEWER):
        raise ReplyError("Only a reviewer can return a reply.")
    comment = comment.strip()
    if not comment:
        raise ReplyError("Say what should change: a returned reply needs a comment.")
    with _editing(reply, version, statuses=(Reply.Status.IN_REVIEW,)) as current:
        if current.author_id == by.pk:
            raise ReplyError("Nobody reviews their own reply: ask another reviewer.")
        _set_status(current, Reply.Status.DRAFTING, reviewer=by, review_comment=comment)
        inquiry_follow_reply(inquiry=reply.inquiry, to=Inquiry.Status.DRAFTING, by=by, action="reply.returned",
                             note=comment, data={"reply": reply.pk}, tell=current.author,
                             notice=NotificationKind.RETURNED)
    return reply


def reply_mark_ready(*, reply: Reply, version: int, by: AbstractBaseUser, confirm_languages: bool = False) -> Reply:
    """drafting → approved directly, by the author, when review is not required."""
    if settings.REPLY_REVIEW_REQUIRED:
        raise ReplyError("This reply needs a review before it can be sent: submit it for review.")
    with _editing(reply, version, by=by) as current:
        if current.author_id != by.pk:
            raise ReplyError("Only the author marks their reply ready.")
        _check_one_language(current, _check_sendable(current), by, confirm_languages)
        _set_status(current, Reply.Status.APPROVED)
        inquiry_follow_reply(inquiry=reply.inquiry, to=Inquiry.Status.READY, by=by, action="reply.ready",
                             data={"reply": reply.pk})
    return reply


def reply_reopen(*, reply: Reply, version: int, by: AbstractBaseUser) -> Reply:
    """approved or in review → drafting, to change the letter again (it needs a new approval)."""
    with _editing(reply, version, statuses=(Reply.Status.IN_REVIEW, Reply.Status.APPROVED)) as current:
        _set_status(current, Reply.Status.DRAFTING)
        inquiry_follow_reply(inquiry=reply.inquiry, to=Inquiry.Status.DRAFTING, by=by, action="reply.reopened",
                             data={"reply": reply.pk})
    return reply
