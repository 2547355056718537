"""Probe finding 7: the purge left personal data behind.

A person goes through everything the desk does with their data: two questions through the
public form (a second one typed with another name), a note and an attachment, a letter sent by
email with its PDF, a bulk-export ZIP. After purge_requesters, nothing in the database or the
file storage holds their name, email or phone: every text column, every archived .eml (decoded),
every PDF (its text), every ZIP (its members) and every stored file (its name and content).
"""

import datetime as dt
import email
import io
import time
import zipfile
from email import policy
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from inquiries.forms import fill_token
from inquiries.models import Inquiry, InquiryEvent, Requester
from inquiries.services import (
    inquiry_attach,
    inquiry_close_without_reply,
    inquiry_move,
    inquiry_note,
    inquiry_requester_replied,
    inquiry_take,
)
from replies.composer.services import reply_block_add
from replies.models import BulkExport, Delivery, Reply
from replies.outbox.bulk_render import bulk_export_run
from replies.outbox.deliveries import delivery_queue
from tests.quality import factories
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zebulon Quixley", "zebulon.q@example.org", "555-867-5309"
TRACES = ("zebulon", "quixley", "zebby", EMAIL, "867-5309")


def submit(client, **fields) -> Inquiry:
    cache.clear()
    data = {"name": NAME, "email": EMAIL, "phone": PHONE, "country": "Canada", "role": "patient",
            "condition": "scleromyxedema", "language": "en", "website": "", "started": fill_token(time.time() - 60),
            "question": "I am Zebulon Quixley. What causes scleromyxedema and how is it treated?", **fields}
    assert client.post("/ask/", data).status_code == 302
    return Inquiry.objects.latest("pk")


def traces_in(value, where: str) -> list[str]:
    """Where one of TRACES shows in a value, decoding what a byte search would miss."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        raw = traces_in(value.decode("latin-1"), where)
        if value.startswith(b"%PDF"):
            try:
                text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(value)).pages)
            except PdfReadError:  # not a whole PDF (an uploaded file named .pdf): its bytes are all there is
                return raw
            return raw + traces_in(text, f"{where} (PDF text)")
        if value.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                members = [(n, archive.read(n)) for n in archive.namelist()]
            return [t for n, data in members for t in traces_in(n, where) + traces_in(data, f"{where}/{n}")]
        message = email.message_from_bytes(value, policy=policy.default)
        parts = [str(v) for v in message.values()]
        parts += [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        return raw + [t for part in parts for t in traces_in(part, f"{where} (email)")]
    if isinstance(value, str):
        return [f"{trace} in {where}" for trace in TRACES if trace in value.lower()]
    return []


def database_traces() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (our own table names)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    found += traces_in(value, f"{table}.{column}")
    return found


def storage_traces(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        found += traces_in(str(path.relative_to(root)), "a file name")
        if path.is_file():
            found += traces_in(path.read_bytes(), str(path))
    return found


@pytest.fixture
def everything(client, alice, rita, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    factories.make_library()
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client)
        second = submit(client, name="Zebby Quixley", question="Zebby again: is scleromyxedema inherited at all?")
    inquiry_take(inquiry=first, by=alice)
    inquiry_note(inquiry=first, by=alice, note=f"Called {NAME} back on {PHONE}.")
    inquiry_requester_replied(inquiry=first, note="Thanks! Zebulon", data={"subject": "Re: Zebulon's question"})
    upload = SimpleUploadedFile("Zebulon-Quixley-letter.pdf", b"%PDF-1.4 Zebulon Quixley's letter")
    inquiry_attach(inquiry=first, upload=upload, by=alice)
    reply = make_reply(alice, inquiry=first)
    reply_block_add(reply=reply, version=reply.version, by=alice, body="Zebulon, your doctor may know more.")
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED, review_comment="Fine for Zebulon.")
    with django_capture_on_commit_callbacks(execute=True):
        delivery_queue(reply=reply, by=alice, method=Delivery.Method.EMAIL, attach_pdf=True,
                       confirm_stale=True)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and delivery.pdf and delivery.eml
    export = BulkExport.objects.create(created_by=alice, reply_ids=[reply.pk], total=1)
    bulk_export_run(export_id=export.pk, workers=1)
    assert BulkExport.objects.get().zip
    inquiry_move(inquiry=Inquiry.objects.get(pk=first.pk), to=Inquiry.Status.CLOSED, by=alice)
    inquiry_close_without_reply(inquiry=Inquiry.objects.get(pk=second.pk), reason="spam", by=alice)
    assert database_traces() and storage_traces(tmp_path)  # the person is everywhere before
    return tmp_path


def test_it_leaves_no_trace_of_the_person(everything, capsys, django_capture_on_commit_callbacks):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_requesters", "--closed-before", tomorrow)
    out = capsys.readouterr().out
    assert "1 requester(s) anonymised" in out
    for line in ("timeline notes erased: ", "attachments deleted: 1", "archived PDFs deleted: 1",
                 "archived emails stripped: 1", "bulk-export ZIPs deleted: 1"):
        assert line in out
    assert database_traces() == []
    assert storage_traces(everything) == []


def test_it_keeps_the_letter_and_the_statistics(everything, django_capture_on_commit_callbacks):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_requesters", "--closed-before", tomorrow)
    delivery = Delivery.objects.get()
    archived = email.message_from_bytes(bytes(delivery.eml), policy=policy.default)
    assert archived["To"] is None and archived["Message-ID"] == delivery.message_id
    text = archived.get_body(("plain",)).get_content()
    assert "Dear (removed)," in text and "Scleromyxedema is rare." in text
    assert delivery.pdf is None and delivery.pdf_sha256  # the record of what was sent stays
    assert Requester.objects.get().role == "patient"
    assert set(Inquiry.objects.values_list("status", flat=True)) == {"closed", "closed_no_reply"}
    assert InquiryEvent.objects.filter(action="requester.purged").count() == 2
