"""A reply as one email: the plain-text and HTML parts from the same Letter, the PDF optional.

`LetterMessage` builds its MIME message once, so the bytes archived (`as_eml`) and the bytes
the email backend sends are the same message: same Message-ID, same Date, same boundaries.
"""

import re
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from lib.tracing import request_id_headers

from ..models import Reply
from .assembly import Letter
from .pdf import letter_document, letter_pdf
from .render import letter_text

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


def header_safe(value: str) -> str:
    """One line of text for a header: control characters (CR, LF, ...) become spaces."""
    return " ".join(_CONTROL_RE.sub(" ", value or "").split())


def mailbox(name: str, address: str) -> str:
    """`"Name" <address>`, quoted and encoded by the email package; the name cannot add headers."""
    return formataddr((header_safe(name), header_safe(address)), charset="utf-8")


def letter_subject(letter: Letter) -> str:
    return header_safe(settings.REPLY_EMAIL_SUBJECT.replace("{reference}", letter.reference))


class LetterMessage(EmailMultiAlternatives):
    """An email whose MIME message is built once and then reused for sending and archiving."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._built = None

    def message(self):
        if self._built is None:
            self._built = super().message()
        return self._built

    @property
    def message_id(self) -> str:
        return str(self.message()["Message-ID"])

    def as_eml(self) -> bytes:
        return self.message().as_bytes()


def sender_domain() -> str:
    """Message-IDs carry our own mail domain (the sender's), not the worker's host name."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def letter_message(
    *,
    reply: Reply,
    letter: Letter,
    attach_pdf: bool,
    to_name: str = "",
    to_email: str = "",
    pdf: bytes | None = None,
) -> LetterMessage:
    """The email for a reply; `to_*` default to the requester; `pdf` is rendered when not given."""
    requester = reply.inquiry.requester
    to_name = to_name or requester.name
    to_email = to_email or requester.email
    message = LetterMessage(
        subject=letter_subject(letter),
        body=letter_text(letter),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(to_name, to_email)],
        reply_to=[settings.REPLY_TO_EMAIL],
        headers={
            "Message-ID": make_msgid(domain=sender_domain()),
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            **request_id_headers(),
        },
    )
    message.attach_alternative(letter_document(letter), "text/html")
    if attach_pdf:
        message.attach(f"{letter.reference}.pdf", pdf if pdf is not None else letter_pdf(letter), "application/pdf")
    return message
