"""One email's bytes → an `IncomingMail`: who wrote, what, which thread, whether a person wrote it.

Knows nothing of the database. Mail from outside is read defensively: the standard library's
compat32 parser never refuses a message (it records defects instead), and every header and
part is decoded here with a fallback, so an unknown charset or a broken header gives text
with replacement characters rather than an exception.
"""

import email
import email.errors
import email.parser
import hashlib
import os
import re
from dataclasses import dataclass, field
from email import policy
from email.header import Header, decode_header, make_header
from email.message import Message
from email.utils import getaddresses

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from lib.markup import untrusted_html_to_text

MESSAGE_ID_RE = re.compile(r"<([^<>\s]{1,250})>")
REFERENCE_RE = re.compile(r"\[(RD-\d{4}-\d{6})\]")
# Subjects of out-of-office and vacation replies, in the languages we answer in and a few more.
AUTO_SUBJECT_RE = re.compile(
    r"^\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|out of (the )?office|vacation|on leave"
    r"|abwesenheit|autosvar|r[ée]ponse automatique|respuesta autom[aá]tica|fuera de la oficina"
    r"|ausente|absence)\b",
    re.IGNORECASE,
)
AUTO_PRECEDENCE = {"bulk", "auto_reply", "list", "junk"}
MAILER_DAEMONS = {"mailer-daemon", "postmaster"}
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post")
HEADERS_MAX = 64 * 1024
# What decoding a header or a part can raise on broken mail (HeaderParseError is a MessageError).
DECODE_ERRORS = (LookupError, UnicodeError, ValueError, TypeError, AssertionError, email.errors.MessageError)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Bounce:
    """What a delivery status notification reports about one message we sent."""

    original_message_id: str
    recipients: tuple[str, ...]
    reason: str
    failed: bool


@dataclass
class IncomingMail:
    message_id: str
    from_name: str = ""
    from_email: str = ""
    subject: str = ""
    references: tuple[str, ...] = ()  # In-Reply-To first, then References, newest first
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    auto_reason: str = ""  # why no person wrote this (auto-reply, list, ...), or ""
    bounce: Bounce | None = None
    too_large: bool = False  # only the headers were read

    @property
    def reference(self) -> str:
        """Our inquiry reference in the subject ([RD-2026-000123]), or ""."""
        match = REFERENCE_RE.search(self.subject)
        return match.group(1) if match else ""


def clean_text(value: str) -> str:
    """Text a database stores: no NUL (PostgreSQL refuses it), no lone surrogates."""
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _text_8bit(data: bytes) -> str:
    """Header bytes sent without encoding: UTF-8 if they are, else Windows-1252, as the mail
    clients that do this mostly mean."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def header_text(message: Message, name: str) -> str:
    """A header as one line of text, encoded words decoded; "" when missing."""
    raw = message.get(name)
    if raw is None:
        return ""
    try:
        if isinstance(raw, Header):  # the parser's wrapper for 8-bit bytes: get them back
            raw = "".join(_text_8bit(c) if isinstance(c, bytes) else c for c, _charset in decode_header(raw))
        value = str(make_header(decode_header(str(raw))))
    except DECODE_ERRORS:
        value = str(raw)
    return " ".join(clean_text(value).split())


def message_ids(value: str) -> list[str]:
    return [f"<{found}>" for found in MESSAGE_ID_RE.findall(value)]


def synthetic_message_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid>"


def decode_part(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except DECODE_ERRORS:
        text = payload.decode("utf-8", errors="replace")
    return clean_text(text)


def safe_filename(name: str, fallback: str) -> str:
    """A plain file name: no folders, no control characters, nothing a file system reads."""
    base = os.path.basename(clean_text(name).replace("\\", "/"))
    try:
        valid = get_valid_filename(base)
    except SuspiciousFileOperation:  # names like "." or ".."
        valid = ""
    return valid.lstrip(".")[:200] or fallback


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except DECODE_ERRORS:
        name = ""
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except DECODE_ERRORS:
            pass
    return name


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    return disposition == "attachment" or bool(_filename(part))


def _body_and_attachments(message: Message) -> tuple[str, list[Attachment]]:
    plain, html, attachments = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if content_type.startswith("multipart/"):  # a multipart without (valid) boundary: read as text
            content_type = "text/plain"
        if _is_attachment(part) or not content_type.startswith("text/"):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                name = safe_filename(_filename(part), f"attachment-{len(attachments) + 1}")
                attachments.append(Attachment(name=name, content_type=content_type[:100], data=data))
        elif content_type == "text/html":
            html.append(decode_part(part))
        elif content_type == "text/plain":
            plain.append(decode_part(part))
    if plain:
        text = "\n\n".join(plain)
    else:
        text = "\n\n".join(untrusted_html_to_text(document) for document in html)
    return clean_text(text).strip(), attachments


def _auto_reason(message: Message, from_email: str, subject: str) -> str:
    auto_submitted = header_text(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto-submitted ({auto_submitted[:40]})"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return "auto-reply"
    precedence = header_text(message, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"precedence {precedence}"
    if any(message.get(name) is not None for name in LIST_HEADERS):
        return "mailing list"
    if from_email.partition("@")[0] in MAILER_DAEMONS:
        return "mail system message"
    if AUTO_SUBJECT_RE.match(subject):
        return "auto-reply (subject)"
    return ""


def _report_fields(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status part (compat32 parses them as messages)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    if isinstance(payload, str):
        return [email.message_from_string(block, policy=policy.compat32) for block in payload.split("\n\n")]
    return []


def _original_message_id(report: Message) -> str:
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and isinstance(part.get_payload(), list) and part.get_payload():
            original = part.get_payload()[0]
        elif content_type == "text/rfc822-headers":
            original = email.message_from_string(decode_part(part), policy=policy.compat32)
        else:
            continue
        found = message_ids(header_text(original, "Message-ID"))
        if found:
            return found[0]
    return ""


def _bounce(message: Message) -> Bounce | None:
    """The delivery status notification in a multipart/report, or None."""
    if message.get_content_type() != "multipart/report":
        return None
    recipients, reasons, failed = [], [], False
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _report_fields(part):
            recipient = header_text(block, "Final-Recipient") or header_text(block, "Original-Recipient")
            if not recipient:
                continue
            recipients.append(recipient.rpartition(";")[2].strip().lower())
            action = header_text(block, "Action").lower()
            failed = failed or action == "failed"
            status = header_text(block, "Status")
            diagnostic = header_text(block, "Diagnostic-Code").partition(";")[2].strip()
            reasons.append(" ".join(filter(None, [action, status, diagnostic])))
    return Bounce(
        original_message_id=_original_message_id(message),
        recipients=tuple(recipients),
        reason="; ".join(reasons)[:300] or "no delivery status given",
        failed=failed,
    )


def parse_mail(raw: bytes, *, max_bytes: int) -> IncomingMail:
    """Read one message; never raises on bad mail. Past `max_bytes` only the headers are read."""
    too_large = len(raw) > max_bytes
    parser = email.parser.BytesParser(policy=policy.compat32)
    # Of a message too large to take, only its headers are read (they fit in the first 64 kB).
    message = parser.parsebytes(raw[:HEADERS_MAX], headersonly=True) if too_large else parser.parsebytes(raw)
    found = message_ids(header_text(message, "Message-ID"))
    mail = IncomingMail(message_id=found[0] if found else synthetic_message_id(raw), too_large=too_large)
    try:
        addresses = getaddresses([header_text(message, "From")])
    except (*DECODE_ERRORS, IndexError):
        addresses = []
    if addresses:
        name, address = addresses[0]
        mail.from_name, mail.from_email = clean_text(name).strip()[:200], clean_text(address).strip().lower()
    mail.subject = header_text(message, "Subject")[:1000]
    mail.references = tuple(
        dict.fromkeys(
            message_ids(header_text(message, "In-Reply-To"))
            + list(reversed(message_ids(header_text(message, "References"))))
        )
    )
    if too_large:
        return mail
    mail.bounce = _bounce(message)
    if mail.bounce is None:
        mail.auto_reason = _auto_reason(message, mail.from_email, mail.subject)
        mail.text, mail.attachments = _body_and_attachments(message)
    return mail

