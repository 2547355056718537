import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db


def payload(**overrides):
    data = {
        "channel": "letter",
        "received_at": (timezone.localtime() - timezone.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        "name": "Ruth Brown",
        "email": "",
        "phone": "555-0100",
        "country": "",
        "role": "family",
        "language": "en",
        "condition": "",
        "question": "My grandson was diagnosed with Pompe disease. What is the outlook?",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form(login, alice):
    response = login(alice).get("/desk/inquiries/new/")
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_it_records_a_letter_with_its_scan(login, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = login(alice).post("/desk/inquiries/new/", payload(attachment=scan))
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/inquiries/{inquiry.pk}/"
    assert (inquiry.channel, inquiry.requester.phone, inquiry.requester.role) == ("letter", "555-0100", "family")
    assert inquiry.received_at < timezone.now() - timezone.timedelta(days=1)
    attachment = inquiry.attachments.get()
    assert attachment.original_name == "letter.pdf"
    assert attachment.uploaded_by == alice
    assert attachment.file.read() == b"%PDF-1.4 scan"
    assert str(tmp_path) in attachment.file.path
    created = inquiry.events.get(action="inquiry.created")
    assert created.actor == alice


def test_it_refuses_the_web_channel_and_a_future_date(login, alice):
    client = login(alice)
    tomorrow = (timezone.localtime() + timezone.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post("/desk/inquiries/new/", payload(channel="web", received_at=tomorrow))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert errors["channel"][0].code == "invalid_choice"
    assert errors["received_at"][0].code == "future"
    assert not Inquiry.objects.exists()


def test_it_refuses_other_roles(client, login, lee, charlie):
    assert client.get("/desk/inquiries/new/")["Location"].startswith("/accounts/login/")
    assert login(charlie).post("/desk/inquiries/new/", payload()).status_code == 403
    assert login(lee).post("/desk/inquiries/new/", payload()).status_code == 403
    assert not Inquiry.objects.exists()


def test_it_refuses_put(login, alice):
    assert login(alice).put("/desk/inquiries/new/").status_code == 405


def test_it_renders_the_received_date_for_a_datetime_local_input(login, alice):
    body = login(alice).get("/desk/inquiries/new/").content.decode()
    assert 'type="datetime-local"' in body
    assert timezone.localtime().strftime('value="%Y-%m-%dT') in body


def test_it_lists_inquiries_in_the_admin(client, db):
    from django.contrib.auth.models import User

    from tests.conftest import make_inquiry

    inquiry = make_inquiry()
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert inquiry.reference.encode() in client.get("/admin/inquiries/inquiry/").content
    assert client.get(f"/admin/inquiries/inquiry/{inquiry.pk}/change/").status_code == 200


def test_it_refuses_an_attachment_over_20_mb(login, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("scan.pdf", b"x" * (20 * 1024 * 1024 + 1), content_type="application/pdf")
    response = login(alice).post("/desk/inquiries/new/", payload(attachment=big))
    assert response.context["form"].errors.as_data()["attachment"][0].code == "too_large"
    assert not Inquiry.objects.exists()


def test_it_records_the_postal_address_tidied(login, alice):
    address = "  12 Elm Street \r\n\r\nSpringfield, IL 62704\r\n  USA  "
    response = login(alice).post("/desk/inquiries/new/", payload(postal_address=address))
    assert response.status_code == 302
    requester = Inquiry.objects.get().requester
    assert requester.postal_address == "12 Elm Street\nSpringfield, IL 62704\nUSA"
    page = login(alice).get(response["Location"])
    assert b"12 Elm Street<br>Springfield, IL 62704<br>USA" in page.content


def test_it_refuses_a_postal_address_too_long_for_the_window(login, alice):
    address = "\n".join(f"line {n}" for n in range(1, 7))
    response = login(alice).post("/desk/inquiries/new/", payload(postal_address=address))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["postal_address"][0].code == "too_many_lines"
    assert not Inquiry.objects.exists()
