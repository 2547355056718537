"""Random bytes and random MIME structures through import_mail: never a crash, never half a row.

Each message is taken whole or not at all: afterwards every inquiry has its first timeline event
and the record of the message that opened it, every requester has an inquiry, every attachment
and every timeline message belongs to a message we recorded.
"""

import io
import re

import pytest
from django.core.management import call_command
from hypothesis import example, given
from hypothesis import strategies as st

from inquiries.models import IncomingMessage, Inquiry, InquiryAttachment, InquiryEvent, Requester
from tests.inquiries import mail_samples as samples

from .test_random_input import fast, row_counts, tally

pytestmark = pytest.mark.django_db

CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "windows-1252", "iso-2022-jp", "utf-7", "x-no-such", "rot13", "idna", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]
LEAF_TYPES = [
    "text/plain", "text/html", "application/pdf", "image/png", "application/octet-stream",
    "message/delivery-status", "text/rfc822-headers", "message/rfc822", "text/calendar", "",
]
CONTAINERS = ["multipart/mixed", "multipart/alternative", "multipart/related", "multipart/report"]
HEADER_NAMES = [
    "From", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted", "Precedence", "List-Id",
    "Content-Disposition", "Final-Recipient", "Action", "Status", "X-Autoreply",
]

header_bytes = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from(CHARSETS), st.sampled_from("qQbBx"), st.binary(max_size=30)).map(
        lambda t: b"=?" + t[0].encode() + b"?" + t[1].encode() + b"?" + t[2] + b"?="
    ),
    st.sampled_from([b"<a@b>", b"Pat <pat@example.org>", b"auto-replied", b"bulk", b"failed", b"[RD-2026-000001]",
                     b'attachment; filename="../../x"', b"attachment; filename*=x-no-such''%ff%fe"]),
)
headers = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_bytes), max_size=3)


def render_leaf(draw_headers, content_type: str, charset: str, encoding: str, body: bytes) -> bytes:
    lines = [name.encode() + b": " + value.replace(b"\r", b"").replace(b"\n", b" ") for name, value in draw_headers]
    if content_type:
        lines.append(f'Content-Type: {content_type}; charset="{charset}"; name="f.bin"'.encode())
    lines.append(b"Content-Transfer-Encoding: " + encoding.encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


leaf = st.builds(
    render_leaf, headers, st.sampled_from(LEAF_TYPES), st.sampled_from(CHARSETS), st.sampled_from(ENCODINGS),
    st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass"))),
)


def render_container(draw_headers, content_type: str, boundary: str, children: list[bytes], closed: bool) -> bytes:
    lines = [name.encode() + b": " + value.replace(b"\r", b"").replace(b"\n", b" ") for name, value in draw_headers]
    lines.append(f'Content-Type: {content_type}; boundary="{boundary}"; report-type=delivery-status'.encode())
    parts = b"".join(b"--" + boundary.encode() + b"\r\n" + child + b"\r\n" for child in children)
    end = b"--" + boundary.encode() + b"--\r\n" if closed else b""
    return b"\r\n".join(lines) + b"\r\n\r\npreamble\r\n" + parts + end


mime = st.recursive(
    leaf,
    lambda children: st.builds(
        render_container, headers, st.sampled_from(CONTAINERS), st.sampled_from(["b1", "b2", "=_x", " "]),
        st.lists(children, max_size=4), st.booleans(),
    ),
    max_leaves=8,
)
# A valid sender (and a fresh Message-ID) in front: the structure gets past "no sender" into filing.
from_a_person = st.builds(
    lambda body, uuid: b"From: Pat <pat@example.org>\r\nSubject: Question\r\nMessage-ID: <%s@random.example>\r\n"
    % uuid.hex.encode() + body,
    mime,
    st.uuids(),
)
messages = st.one_of(st.binary(max_size=2000), mime, from_a_person, from_a_person)


def assert_nothing_half_stored() -> None:
    opened = IncomingMessage.objects.filter(outcome=IncomingMessage.Outcome.NEW)
    assert opened.count() == Inquiry.objects.count()
    assert not Inquiry.objects.exclude(events__action="inquiry.created").exists()
    assert not Inquiry.objects.exclude(incoming_messages__outcome=IncomingMessage.Outcome.NEW).exists()
    assert not Requester.objects.filter(inquiries__isnull=True).exists()
    files = InquiryAttachment.objects.count()
    assert files == InquiryEvent.objects.filter(action="inquiry.attached").count()
    appended = IncomingMessage.objects.filter(outcome=IncomingMessage.Outcome.APPENDED).count()
    assert appended == InquiryEvent.objects.filter(action="inquiry.requester_replied").count()


@fast
@given(raw=messages)
@example(raw=b"")
@example(raw=b"From: \x00\r\nSubject: \xff\xfe\r\nMessage-ID: <\xff@x>\r\n\r\n\x00\x00")
@example(raw=samples.thunderbird_plain(message_id="<plain@example.org>"))
@example(raw=samples.apple_mail_with_attachments(attachments=[("..", "octet-stream", b"x"), ("\x00", "pdf", b"y")]))
@example(raw=samples.delivery_report("<nobody@example.org>").replace(b"delivery-status", b"delivery-status\x00"))
def test_it_takes_random_mail_without_crash_or_partial_rows(tmp_path, settings, raw):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "random.eml"
    path.write_bytes(raw)
    before = row_counts()["inquiries.IncomingMessage"]
    out, err = io.StringIO(), io.StringIO()
    call_command("import_mail", str(path), stdout=out, stderr=err)  # a failed message raises CommandError
    assert err.getvalue() == ""
    line = out.getvalue().strip()
    assert " -> " in line and line.endswith(")")
    tally(re.search(r" \((new|appended|duplicate|ignored|bounced)", line).group(1))
    assert row_counts()["inquiries.IncomingMessage"] - before in (0, 1)
    assert_nothing_half_stored()
