"""Every downloadable form of a reply, by format name: one registry for views and commands."""

from collections.abc import Callable

from .letter import assemble_letter
from .models import Reply
from .render import letter_text


def export_txt(reply: Reply) -> bytes:
    return letter_text(assemble_letter(reply)).encode("utf-8")


EXPORTERS: dict[str, Callable[[Reply], bytes]] = {
    "txt": export_txt,
}


def export_reply(reply: Reply, fmt: str) -> bytes:
    return EXPORTERS[fmt](reply)
