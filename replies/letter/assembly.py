"""One letter, many outputs: a Reply becomes a `Letter` value that every output renders.

The preview, the PDF, the email's HTML part and its plain-text part all start from
`assemble_letter(reply)`; nothing else decides what a letter says.
"""

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.safestring import SafeString

from lib.markup import citation_keys, html_to_text, render_markdown
from library.models import Reference, StandardText, Topic
from library.placeholders import fill_placeholders

from ..models import Reply, ReplyBlock

K = StandardText.Kind
FRAME_KINDS = K.values  # letterhead, greeting, closing, signature, disclaimer
HEAD_KINDS = (K.LETTERHEAD, K.GREETING)  # the standard texts above the body
TAIL_KINDS = (K.CLOSING, K.SIGNATURE, K.DISCLAIMER)  # and below it

LAST_UPDATED_LABEL = {"en": "Last updated", "es": "Última actualización"}
REFERENCES_LABEL = {"en": "References", "es": "Referencias"}


@dataclass(frozen=True)
class LetterReference:
    number: int
    key: str
    text: str
    url: str


@dataclass(frozen=True)
class LetterBlock:
    kind: str  # a ReplyBlock.Kind value
    heading: str
    html: SafeString
    text: str
    last_updated: date | None = None
    standard_kind: str = ""
    block_id: int | None = None

    @property
    def last_updated_display(self) -> str:
        d = self.last_updated
        return f"{d.month}/{d.day}/{d.year}" if d else ""


@dataclass(frozen=True)
class Letter:
    reference: str
    language: str
    topic: str
    title: str
    date: date
    frame: dict[str, LetterBlock] = field(default_factory=dict)  # standard texts by kind
    body: tuple[LetterBlock, ...] = ()
    references: tuple[LetterReference, ...] = ()
    unknown_keys: tuple[str, ...] = ()

    @property
    def letterhead(self) -> LetterBlock | None:
        return self.frame.get(K.LETTERHEAD)

    @property
    def greeting(self) -> LetterBlock | None:
        return self.frame.get(K.GREETING)

    @property
    def closing(self) -> LetterBlock | None:
        return self.frame.get(K.CLOSING)

    @property
    def signature(self) -> LetterBlock | None:
        return self.frame.get(K.SIGNATURE)

    @property
    def disclaimer(self) -> LetterBlock | None:
        return self.frame.get(K.DISCLAIMER)

    @property
    def last_updated_label(self) -> str:
        return LAST_UPDATED_LABEL.get(self.language, LAST_UPDATED_LABEL["en"])

    @property
    def references_label(self) -> str:
        return REFERENCES_LABEL.get(self.language, REFERENCES_LABEL["en"])

    @property
    def is_sendable(self) -> bool:
        return not self.unknown_keys

    @property
    def unknown_citations(self) -> str:
        """Why the letter cannot go out ("" when every citation is in the library)."""
        if not self.unknown_keys:
            return ""
        keys = ", ".join(f"[@{key}]" for key in self.unknown_keys)
        return f"The letter cites references that are not in the library: {keys}."


def _split_frame(blocks: list[ReplyBlock]) -> tuple[dict[str, ReplyBlock], list[ReplyBlock]]:
    """The first standard text of each kind frames the letter; every other block is body."""
    frame: dict[str, ReplyBlock] = {}
    body: list[ReplyBlock] = []
    for block in blocks:
        if block.kind == ReplyBlock.Kind.STANDARD and block.standard_kind in FRAME_KINDS:
            if block.standard_kind not in frame:
                frame[block.standard_kind] = block
                continue
        body.append(block)
    return frame, body


def _reading_order(frame: dict[str, ReplyBlock], body: list[ReplyBlock]) -> list[ReplyBlock]:
    head = [frame[k] for k in HEAD_KINDS if k in frame]
    tail = [frame[k] for k in TAIL_KINDS if k in frame]
    return head + body + tail


def number_citations(keys: Iterable[str], known: Container[str]) -> dict[str, int]:
    """The known keys numbered 1, 2, … by first appearance; an unknown key gets no number."""
    return {key: n for n, key in enumerate((k for k in dict.fromkeys(keys) if k in known), start=1)}


def placeholder_values(reply: Reply, topics: list[Topic], today: date) -> dict[str, str]:
    inquiry = reply.inquiry
    requester = inquiry.requester
    return {
        "requester_name": requester.first_name if requester and not requester.anonymised_at else "",
        "topic": topics[0].name if topics else "",
        "reference": inquiry.reference,
        "date": today.isoformat(),
    }


def assemble_letter(reply: Reply, *, today: date | None = None) -> Letter:
    """Reply → Letter. Reads the reply's blocks and the references they cite; writes nothing."""
    today = today or timezone.localdate()
    blocks = list(reply.blocks.all())
    frame_blocks, body_blocks = _split_frame(blocks)
    ordered = _reading_order(frame_blocks, body_blocks)
    topics = list(reply.inquiry.topics.all())
    values = placeholder_values(reply, topics, today)

    def source_text(block: ReplyBlock) -> str:
        if block.kind == ReplyBlock.Kind.STANDARD:
            return fill_placeholders(block.body, values, reply.language)
        return block.body

    texts = {block.pk: source_text(block) for block in ordered}
    keys = list(dict.fromkeys(key for block in ordered for key in citation_keys(texts[block.pk])))
    found = {ref.key: ref for ref in Reference.objects.filter(key__in=keys)}
    numbers = number_citations(keys, found)

    def letter_block(block: ReplyBlock) -> LetterBlock:
        html = render_markdown(texts[block.pk], numbers=numbers)
        return LetterBlock(
            kind=block.kind,
            heading=block.heading,
            html=html,
            text=html_to_text(html),
            last_updated=block.last_updated if block.kind == ReplyBlock.Kind.SECTION else None,
            standard_kind=block.standard_kind,
            block_id=block.pk,
        )

    return Letter(
        reference=reply.inquiry.reference,
        language=reply.language,
        topic=", ".join(topic.name for topic in topics),
        title=reply.title,
        date=today,
        frame={kind: letter_block(block) for kind, block in frame_blocks.items()},
        body=tuple(letter_block(block) for block in body_blocks),
        references=tuple(
            LetterReference(number=n, key=k, text=found[k].text, url=found[k].url) for k, n in numbers.items()
        ),
        unknown_keys=tuple(k for k in keys if k not in found),
    )
