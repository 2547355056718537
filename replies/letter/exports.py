"""Every downloadable form of a reply, by format name: one registry for views and commands."""

from collections.abc import Callable

from ..models import Reply
from .assembly import assemble_letter
from .message import letter_message
from .pdf import letter_document, letter_pdf
from .render import letter_text


def export_txt(reply: Reply) -> bytes:
    return letter_text(assemble_letter(reply)).encode("utf-8")


def export_html(reply: Reply) -> bytes:
    return letter_document(assemble_letter(reply)).encode("utf-8")


def export_pdf(reply: Reply) -> bytes:
    """The letter to print and post: with the recipient's address for a window envelope."""
    return letter_pdf(assemble_letter(reply), postal=True)


def export_eml(reply: Reply) -> bytes:
    """The message as it would be sent now (with the PDF attached), as .eml bytes."""
    return letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=True).as_eml()


EXPORTERS: dict[str, Callable[[Reply], bytes]] = {
    "txt": export_txt,
    "html": export_html,
    "pdf": export_pdf,
    "eml": export_eml,
}

CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "eml": "message/rfc822",
}


def export_reply(reply: Reply, fmt: str) -> bytes:
    return EXPORTERS[fmt](reply)


def export_filename(reply: Reply, fmt: str) -> str:
    return f"{reply.inquiry.reference}-reply-{reply.pk}.{fmt}"
