"""Where mail comes from: .eml files, mbox files, Maildir folders, and an IMAP mailbox.

Each source yields (label, bytes): the label names the message for the operator (a file name,
an mbox file and the message's number in it, an IMAP UID).
"""

import imaplib
import mailbox
import ssl
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SourceError(Exception):
    """A path or mailbox that cannot be read at all; nothing was taken from it."""


def _is_maildir(path: Path) -> bool:
    return all((path / name).is_dir() for name in ("cur", "new", "tmp"))


def read_path(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every message of an .eml file, an mbox file or a Maildir folder."""
    if path.is_dir():
        if not _is_maildir(path):
            raise SourceError(f"{path}: a folder that is not a Maildir (no cur, new and tmp)")
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.keys()):
            yield f"{path}/{key}", box.get_bytes(key)
        return
    if not path.is_file():
        raise SourceError(f"{path}: no such file or folder")
    with open(path, "rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if not is_mbox:
        yield str(path), path.read_bytes()
        return
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield f"{path}#{number}", box.get_bytes(key)
    finally:
        box.close()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapMailbox:
    """The desk's IMAP folder: read each message, then move it out (done or failed), so a message
    is taken once even when a run stops half way (the next run finds it again, sees its
    Message-ID is known, and moves it)."""

    def __init__(self) -> None:
        self.imap = self._connect()
        self.imap.login(settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD)
        typ, data = self.imap.capability()
        self.can_move = typ == "OK" and b"MOVE" in b" ".join(data).upper().split()
        typ, data = self.imap.select(_quote(settings.MAIL_IMAP_FOLDER))
        if typ != "OK":
            raise SourceError(f"IMAP folder {settings.MAIL_IMAP_FOLDER}: {data}")
        self.created: set[str] = set()

    @staticmethod
    def _connect() -> imaplib.IMAP4:
        host, port, timeout = settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT, settings.MAIL_IMAP_TIMEOUT
        security = settings.MAIL_IMAP_SECURITY
        if not host:
            raise ImproperlyConfigured("MAIL_IMAP_HOST is not set.")
        if security == "ssl":
            return imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
        if security == "starttls":
            imap = imaplib.IMAP4(host, port, timeout=timeout)
            imap.starttls(ssl.create_default_context())
            return imap
        if security == "plain" and host in LOOPBACK:
            return imaplib.IMAP4(host, port, timeout=timeout)
        raise ImproperlyConfigured(
            "MAIL_IMAP_SECURITY must be ssl or starttls (plain only to a server on this machine)."
        )

    def __enter__(self) -> "ImapMailbox":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def messages(self) -> Iterator[tuple[str, bytes]]:
        typ, data = self.imap.uid("SEARCH", None, "UNDELETED")
        for uid in (data[0] or b"").split() if typ == "OK" else []:
            typ, parts = self.imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None) if typ == "OK" else None
            if raw is not None:
                yield uid.decode(), raw

    def move(self, uid: str, folder: str) -> None:
        if folder not in self.created:
            self.imap.create(_quote(folder))  # "already exists" is a NO answer, not an exception
            self.created.add(folder)
        if self.can_move:
            typ, data = self.imap.uid("MOVE", uid, _quote(folder))
        else:
            typ, data = self.imap.uid("COPY", uid, _quote(folder))
            if typ == "OK":
                self.imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
                self.imap.expunge()
        if typ != "OK":
            raise SourceError(f"IMAP could not move message {uid} to {folder}: {data}")
