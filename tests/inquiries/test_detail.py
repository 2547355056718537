import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inquiries.models import Inquiry
from inquiries.services import inquiry_create, inquiry_note
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db


def url(inquiry):
    return f"/desk/inquiries/{inquiry.pk}/"


def test_it_shows_the_inquiry_to_a_specialist(login, alice):
    requester = make_requester(name="Pat <b>Doe</b>", email="pat@example.org")
    earlier = make_inquiry(requester, received_at=timezone.now() - timezone.timedelta(days=40))
    inquiry = make_inquiry(requester, question="Is <script>alert(1)</script> scleromyxedema inherited?")
    inquiry_note(inquiry=inquiry, by=alice, note="Called back.")
    response = login(alice).get(url(inquiry))
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Pat &lt;b&gt;Doe&lt;/b&gt;" in body
    assert "pat@example.org" in body
    assert earlier.reference in body
    assert "Called back." in body
    assert "Take it" in body


def test_it_shows_the_actions_of_the_current_status(login, alice):
    inquiry = make_inquiry(status=Inquiry.Status.SENT, assignee=alice)
    body = login(alice).get(url(inquiry)).content.decode()
    assert "Move to closed" in body
    assert "Move to drafting" not in body  # the reply composer's
    assert "Take it" not in body
    assert "Close without reply" not in body


def test_it_offers_reopen_on_a_closed_inquiry(login, alice):
    inquiry = make_inquiry(status=Inquiry.Status.CLOSED)
    body = login(alice).get(url(inquiry)).content.decode()
    assert "Reopen" in body
    assert "Move to" not in body


def test_it_keeps_requester_data_from_a_library_editor(login, lee):
    inquiry = make_inquiry()
    response = login(lee).get(url(inquiry))
    assert response.status_code == 403
    assert inquiry.requester.email.encode() not in response.content


def test_it_shows_no_actions_to_a_reviewer_who_is_not_a_specialist(login, db):
    from tests.conftest import make_user

    reviewer = make_user("rosa", "Reviewer")
    inquiry = make_inquiry()
    response = login(reviewer).get(url(inquiry))
    assert response.status_code == 200
    assert b"Take it" not in response.content


def test_it_shows_the_replies_panel(login, alice):
    page = login(alice).get(url(make_inquiry())).content.decode()
    assert 'id="replies-panel-heading"' in page
    assert "Start a reply" in page


def test_it_redirects_anonymous_visitors_to_login(client):
    response = client.get(url(make_inquiry()))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_an_account_without_a_role(login, charlie):
    assert login(charlie).get(url(make_inquiry())).status_code == 403


def test_it_refuses_post(login, alice):
    assert login(alice).post(url(make_inquiry())).status_code == 405


def test_it_404s_on_a_missing_inquiry(login, alice):
    assert login(alice).get("/desk/inquiries/999999/").status_code == 404


def test_it_serves_the_attachment_to_staff_only(login, alice, charlie, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("letter.eml", b"From: pat@example.org\n\nHello", content_type="message/rfc822")
    inquiry = inquiry_create(
        name="Pat",
        email="pat@example.org",
        question="A question long enough to count.",
        channel="email",
        attachment=upload,
    )
    item = inquiry.attachments.get()
    link = f"/desk/inquiries/{inquiry.pk}/attachments/{item.pk}/"
    assert client.get(link).status_code == 302
    assert login(charlie).get(link).status_code == 403
    response = login(alice).get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"From: pat@example.org\n\nHello"
    assert 'filename="letter.eml"' in response["Content-Disposition"]
    assert link.encode() in login(alice).get(url(inquiry)).content
