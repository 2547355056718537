"""Probe, also: staff uploads accepted any type, and any size up to the limit only after the
whole body had been received. Now a documented list of types, a size check while the upload
streams in, and downloads served as attachments of the type their name allows, with nosniff.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import timezone

from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db

SEEN: list[int] = []


class RecordingHandler(FileUploadHandler):
    """Stands after the size check and before the real handlers: notes how far each file got."""

    def receive_data_chunk(self, raw_data, start):
        SEEN.append(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


def payload(**overrides):
    received = (timezone.localtime() - timezone.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    return {"channel": "letter", "received_at": received, "name": "Ruth Brown", "role": "family",
            "language": "en", "question": "My grandson was diagnosed with Pompe disease. What is the outlook?",
            **overrides}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "setup.exe", "script.js", "noextension"])
def test_it_refuses_a_type_not_on_the_list(login, alice, media, name):
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="application/pdf")
    response = login(alice).post("/desk/inquiries/new/", payload(attachment=upload))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["attachment"][0].code == "file_type"
    assert "Pompe disease" in response.content.decode()  # what was typed comes back
    assert not Inquiry.objects.exists()
    assert not any(media.rglob("*.*"))


def test_it_drops_an_oversized_file_while_it_streams_in(login, alice, media, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_HANDLERS = ["lib.uploads.SizeLimitUploadHandler", f"{__name__}.RecordingHandler",
                                     "django.core.files.uploadhandler.MemoryFileUploadHandler",
                                     "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
    SEEN.clear()
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"x" * (5 * 1024 * 1024), content_type="application/pdf")
    response = login(alice).post("/desk/inquiries/new/", payload(attachment=big))
    assert response.context["form"].errors.as_data()["attachment"][0].code == "too_large"
    assert "larger than 1 MB" in response.content.decode()
    assert max(SEEN) <= settings.FILE_UPLOAD_MAX_BYTES  # nothing past the limit went further
    assert not Inquiry.objects.exists()


def test_it_serves_an_attachment_as_a_download_of_its_own_type(login, alice, media):
    claimed_html = SimpleUploadedFile("letter.pdf", b"<html><script>alert(1)</script>", content_type="text/html")
    desk = login(alice)
    desk.post("/desk/inquiries/new/", payload(attachment=claimed_html))
    inquiry = Inquiry.objects.get()
    attachment = inquiry.attachments.get()
    assert attachment.content_type == "application/pdf"
    response = desk.get(f"/desk/inquiries/{inquiry.pk}/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["letter.PDF", "scan.jpeg", "mail.eml", "notes.txt", "reply.docx", "photo.HEIC"])
def test_it_accepts_the_listed_types(login, alice, media, name):
    upload = SimpleUploadedFile(name, b"content", content_type="application/octet-stream")
    assert login(alice).post("/desk/inquiries/new/", payload(attachment=upload)).status_code == 302
    assert Inquiry.objects.get().attachments.get().original_name == name
