"""A real IMAP server on loopback for the fetch_mail tests: Debian's dovecot-imapd, started with
its own configuration, users and mail folders in a temporary folder (skipped when not installed)."""

import getpass
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
USER, PASSWORD = "desk", "imap-test-password"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    port: int

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        imap = self.client()
        for raw in messages:
            typ, data = imap.append(folder, None, None, raw)
            assert typ == "OK", data
        imap.logout()

    def empty(self) -> None:
        """Every folder but INBOX removed, INBOX emptied: each test starts with a clean mailbox."""
        imap = self.client()
        _, folders = imap.list()
        for line in folders or []:
            name = line.decode().rsplit(" ", 1)[-1].strip('"')
            if name != "INBOX":
                imap.delete(f'"{name}"')
        _, count = imap.select("INBOX")
        if int(count[0]):
            imap.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            imap.expunge()
        imap.logout()

    def message_ids(self, folder: str) -> list[str]:
        """The Message-ID header of every message in the folder ([] when it does not exist)."""
        imap = self.client()
        try:
            typ, _ = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
                found.append(parts[0][1].decode().split(":", 1)[1].strip())
            return found
        finally:
            imap.logout()


def _users() -> dict:
    """Who the server runs as: as root, Debian's dovecot users (login must not run as root);
    otherwise everything as the current user."""
    if os.getuid() == 0:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        group = internal.pw_gid
        return {
            "internal_user": "dovecot", "internal_group": _group_name(group), "login_user": login.pw_name,
            "uid": internal.pw_uid, "gid": internal.pw_gid,
        }
    me = getpass.getuser()
    return {
        "internal_user": me, "internal_group": _group_name(os.getgid()), "login_user": me,
        "uid": os.getuid(), "gid": os.getgid(),
    }


def _group_name(gid: int) -> str:
    return grp.getgrgid(gid).gr_name


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped: {log.read_text() if log.exists() else ''}")
        try:
            imap = imaplib.IMAP4("127.0.0.1", port, timeout=2)
            imap.login(USER, PASSWORD)
            imap.logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.2)
    raise RuntimeError(f"dovecot did not answer: {log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="module")
def imap_server():
    if DOVECOT is None:
        pytest.skip("dovecot-imapd is not installed (make setup installs it as root)")
    # Not under pytest's tmp_path: its parent is private to us, and dovecot's processes run as other users.
    with tempfile.TemporaryDirectory(prefix="replydesk-dovecot-") as folder:
        root = Path(folder)
        root.chmod(0o755)
        yield from _run(root)


def _run(root: Path):
    users = _users()
    port = free_port()
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, **users))
    os.chown(root / "home", users["uid"], users["gid"])
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield ImapServer(port=port)
    finally:
        process.terminate()
        process.wait(timeout=10)
