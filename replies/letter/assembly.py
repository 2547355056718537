"""One letter, many outputs: a Reply becomes a `Letter` value that every output renders.

The preview, the PDF, the email's HTML part and its plain-text part all start from
`assemble_letter(reply)`; nothing else decides what a letter says.
"""

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone, translation
from django.utils.safestring import SafeString

from inquiries.models import Requester
from lib.markup import citation_keys, html_to_text, render_markdown, validate_markdown
from library.models import Letterhead, Reference, StandardText, Topic
from library.placeholders import fill_placeholders

from ..models import Reply, ReplyBlock

K = StandardText.Kind
FRAME_KINDS = StandardText.FRAME_KINDS  # letterhead, greeting, closing, signature, disclaimer
HEAD_KINDS = (K.LETTERHEAD, K.GREETING)  # the standard texts above the body
TAIL_KINDS = (K.CLOSING, K.SIGNATURE, K.DISCLAIMER)  # and below it

# What a letter prints besides its texts, per language; dates as Django's date format.
LABELS = {
    "en": {"last_updated": "Last updated", "references": "References", "disclaimer": "Disclaimer",
           "date_format": "n/j/Y", "letter_date_format": "F j, Y", "re": "Re:", "page": "Page", "of": "of"},
    "es": {"last_updated": "Última actualización", "references": "Referencias", "disclaimer": "Aviso legal",
           "date_format": "d/m/Y", "letter_date_format": r"j \d\e F \d\e Y", "re": "Ref.:", "page": "Página",
           "of": "de"},
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


@dataclass(frozen=True)
class LetterCenter:
    """The center's letterhead as a letter shows it (library.Letterhead, set in the admin)."""

    name: str = Letterhead.DEFAULT_NAME
    address_lines: tuple[str, ...] = ()
    telephone: str = ""
    web_address: str = ""
    logo_url: str = ""  # a data: URL, so that the PDF needs to fetch nothing

    @classmethod
    def of(cls, letterhead: Letterhead) -> "LetterCenter":
        return cls(
            name=letterhead.name,
            address_lines=tuple(letterhead.address_lines),
            telephone=letterhead.telephone,
            web_address=letterhead.web_address,
            logo_url=letterhead.logo_data_url,
        )

    @property
    def web_display(self) -> str:
        return self.web_address.split("://", 1)[-1].rstrip("/")

    @property
    def return_address(self) -> str:
        """The sender's line above the recipient in the envelope's window."""
        return " · ".join([self.name, *self.address_lines])


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
    date_format: str = LABELS["en"]["date_format"]
    language: str = ""  # of the copied text; "" when written for this letter

    @property
    def last_updated_display(self) -> str:
        return dateformat.format(self.last_updated, self.date_format) if self.last_updated else ""


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
    disclaimer_url: str = ""
    too_long: tuple[str, ...] = ()  # headings (or kinds) of blocks over the Markdown length limit
    center: LetterCenter = LetterCenter()
    recipient: tuple[str, ...] = ()  # name and postal address lines; () when there is no address

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
        return labels(self.language)["last_updated"]

    @property
    def references_label(self) -> str:
        return labels(self.language)["references"]

    @property
    def foreign_blocks(self) -> tuple[LetterBlock, ...]:
        """Blocks copied from a text in another language than the letter's."""
        blocks = (*self.frame.values(), *self.body)
        return tuple(block for block in blocks if block.language and block.language != self.language)

    @property
    def mixed_languages(self) -> str:
        """Why the letter mixes languages ("" when it does not), for the specialist to confirm."""
        foreign = self.foreign_blocks
        if not foreign:
            return ""
        names = dict(settings.LANGUAGES)
        parts = ", ".join(f"“{b.heading or b.standard_kind or b.kind}” ({names.get(b.language, b.language)})"
                          for b in foreign)
        return f"The letter is in {names.get(self.language, self.language)}, but these parts are not: {parts}."

    @property
    def date_display(self) -> str:
        """The letter's date, month named in its language: March 4, 2026; 4 de marzo de 2026."""
        with translation.override(self.language):
            return dateformat.format(self.date, labels(self.language)["letter_date_format"])

    @property
    def re_label(self) -> str:
        return labels(self.language)["re"]

    @property
    def page_label(self) -> str:  # "Page 2 of 3"
        return labels(self.language)["page"]

    @property
    def of_label(self) -> str:
        return labels(self.language)["of"]

    @property
    def is_sendable(self) -> bool:
        return not self.unknown_keys and not self.too_long

    @property
    def not_sendable_because(self) -> str:
        """Why the letter cannot go out ("" when it can)."""
        if self.too_long:
            return f"These blocks are too long to render: {', '.join(self.too_long)}. Shorten them first."
        return f"{self.unknown_citations} Fix the citations first." if self.unknown_keys else ""

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


def with_link(text: str, label: str, url: str) -> str:
    """The Markdown text with its first mention of label linked to url (or the link appended)."""
    link = f"[{label}](<{url}>)"
    if label in text:
        return text.replace(label, link, 1)
    return f"{text}\n\n{link}"


def number_citations(keys: Iterable[str], known: Container[str]) -> dict[str, int]:
    """The known keys numbered 1, 2, … by first appearance; an unknown key gets no number."""
    return {key: n for n, key in enumerate((k for k in dict.fromkeys(keys) if k in known), start=1)}


def placeholder_values(reply: Reply, topics: list[Topic], today: date) -> dict[str, str]:
    inquiry = reply.inquiry
    requester = inquiry.requester
    return {
        "requester_name": requester.first_name if requester and not requester.anonymised_at else "",
        "topic": topics[0].name_in(reply.language) if topics else "",
        "reference": inquiry.reference,
        "date": today.isoformat(),
    }


def recipient_lines(requester: Requester | None) -> tuple[str, ...]:
    """Name and postal address for the envelope's window; () without an address (or once purged)."""
    if requester is None or requester.anonymised_at or not requester.postal_address.strip():
        return ()
    return (requester.name, *(line.strip() for line in requester.postal_address.splitlines() if line.strip()))


def assemble_letter(reply: Reply, *, today: date | None = None) -> Letter:
    """Reply → Letter. Reads the reply's blocks and the references they cite; writes nothing."""
    today = today or timezone.localdate()
    blocks = list(reply.blocks.all())
    frame_blocks, body_blocks = _split_frame(blocks)
    ordered = _reading_order(frame_blocks, body_blocks)
    topics = list(reply.inquiry.topics.all())
    values = placeholder_values(reply, topics, today)

    words = labels(reply.language)
    disclaimer_url = settings.LETTER_DISCLAIMER_URL

    def source_text(block: ReplyBlock) -> str:
        if block.kind != ReplyBlock.Kind.STANDARD:
            return block.body
        text = fill_placeholders(block.body, values, reply.language)
        if disclaimer_url and frame_blocks.get(K.DISCLAIMER) is block:
            text = with_link(text, words["disclaimer"], disclaimer_url)
        return text

    texts = {block.pk: source_text(block) for block in ordered}
    keys = list(dict.fromkeys(key for block in ordered for key in citation_keys(texts[block.pk])))
    found = {ref.key: ref for ref in Reference.objects.filter(key__in=keys)}
    numbers = number_citations(keys, found)

    def letter_block(block: ReplyBlock) -> LetterBlock:
        html = render_markdown(texts[block.pk], numbers=numbers)
        text = html_to_text(html)
        if disclaimer_url and frame_blocks.get(K.DISCLAIMER) is block:
            text += f"\n{words['disclaimer']}: {disclaimer_url}"  # plain text shows the address itself
        return LetterBlock(
            kind=block.kind,
            heading=block.heading,
            html=html,
            text=text,
            last_updated=block.last_updated if block.kind == ReplyBlock.Kind.SECTION else None,
            standard_kind=block.standard_kind,
            block_id=block.pk,
            date_format=words["date_format"],
            language=block.language,
        )

    return Letter(
        reference=reply.inquiry.reference,
        language=reply.language,
        topic=", ".join(topic.name_in(reply.language) for topic in topics),
        title=reply.title,
        date=today,
        frame={kind: letter_block(block) for kind, block in frame_blocks.items()},
        body=tuple(letter_block(block) for block in body_blocks),
        references=tuple(
            LetterReference(number=n, key=k, text=found[k].text, url=found[k].url) for k, n in numbers.items()
        ),
        unknown_keys=tuple(k for k in keys if k not in found),
        disclaimer_url=disclaimer_url,
        too_long=tuple(block.heading or block.get_kind_display() for block in ordered if _too_long(texts[block.pk])),
        center=LetterCenter.of(Letterhead.current()),
        recipient=recipient_lines(reply.inquiry.requester),
    )


def _too_long(text: str) -> bool:
    try:
        validate_markdown(text)
    except ValidationError:
        return True
    return False
