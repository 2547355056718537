"""The center's letterhead, configured in the admin: one row, a checked logo, a default without it."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from library.models import Letterhead


@pytest.fixture
def admin_client(sam, login):
    sam.is_staff = sam.is_superuser = True
    sam.save(update_fields=["is_staff", "is_superuser"])
    return login(sam)


def image(fmt: str, size=(120, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 79, 145)).save(buffer, format=fmt)
    return SimpleUploadedFile(f"logo.{fmt.lower()}", buffer.getvalue())


def form(**changes) -> dict:
    data = {
        "name": "Genetic and Rare Diseases Information Center",
        "postal_address": "PO Box 8126\r\nGaithersburg, MD 20898-8126",
        "telephone": "1-888-205-2311",
        "web_address": "https://rarediseases.example.org",
        "_save": "Save",
    }
    return {**data, **changes}


def test_it_has_a_default_without_a_row(db):
    letterhead = Letterhead.current()
    assert letterhead.pk is None
    assert (letterhead.name, letterhead.address_lines, letterhead.logo_data_url) == (Letterhead.DEFAULT_NAME, [], "")


def test_it_saves_the_letterhead_with_its_logo(admin_client):
    response = admin_client.post("/admin/library/letterhead/add/", form(logo_upload=image("PNG")))
    assert response.status_code == 302
    letterhead = Letterhead.current()
    assert letterhead.address_lines == ["PO Box 8126", "Gaithersburg, MD 20898-8126"]
    assert letterhead.logo_type == "image/png" and bytes(letterhead.logo).startswith(b"\x89PNG")
    assert letterhead.logo_data_url.startswith("data:image/png;base64,iVBOR")
    page = admin_client.get(f"/admin/library/letterhead/{letterhead.pk}/change/")
    assert letterhead.logo_data_url.encode() in page.content


def test_it_removes_the_logo(admin_client):
    admin_client.post("/admin/library/letterhead/add/", form(logo_upload=image("JPEG")))
    letterhead = Letterhead.current()
    assert letterhead.logo_type == "image/jpeg"
    response = admin_client.post(f"/admin/library/letterhead/{letterhead.pk}/change/", form(remove_logo="on"))
    assert response.status_code == 302
    letterhead.refresh_from_db()
    assert (letterhead.logo, letterhead.logo_type) == (None, "")


def test_it_refuses_a_gif_and_a_large_logo(admin_client):
    response = admin_client.post("/admin/library/letterhead/add/", form(logo_upload=image("GIF")))
    assert response.context["adminform"].form.errors.as_data()["logo_upload"][0].code == "image_type"
    noisy = io.BytesIO()
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(noisy, format="PNG")  # noise: no compression
    assert noisy.tell() > 512 * 1024
    big = SimpleUploadedFile("logo.png", noisy.getvalue())
    response = admin_client.post("/admin/library/letterhead/add/", form(logo_upload=big))
    assert response.context["adminform"].form.errors.as_data()["logo_upload"][0].code == "too_large"
    assert not Letterhead.objects.exists()


def test_it_allows_one_letterhead_only(admin_client):
    admin_client.post("/admin/library/letterhead/add/", form())
    assert admin_client.get("/admin/library/letterhead/add/").status_code == 403
    assert Letterhead.objects.count() == 1


def test_it_lets_library_editors_keep_the_letterhead(lee, charlie, login):
    lee.is_staff = charlie.is_staff = True
    lee.save(update_fields=["is_staff"])
    charlie.save(update_fields=["is_staff"])
    assert login(charlie).get("/admin/library/letterhead/add/").status_code == 403
    response = login(lee).post("/admin/library/letterhead/add/", form())
    assert response.status_code == 302
    assert Letterhead.current().telephone == "1-888-205-2311"
