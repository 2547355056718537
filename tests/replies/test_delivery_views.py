"""The delivery pages: send, retry, archive downloads, the inquiry's panel."""

import pytest
from django.core import mail
from django.urls import reverse

from inquiries.models import InquiryEvent
from replies.models import Delivery, Reply
from replies.outbox.deliveries import delivery_queue
from replies.outbox.sending import delivery_send
from replies.templatetags.deliveries_tags import deliveries_of

from .delivery_factories import small_reply


def sent_delivery(author, **kw) -> Delivery:
    reply = small_reply(author)
    delivery = delivery_queue(reply=reply, by=author, method="email", attach_pdf=False, **kw)
    delivery_send(delivery_id=delivery.pk)
    return Delivery.objects.get(pk=delivery.pk)


def test_it_shows_the_send_form(alice, login):
    reply = small_reply(alice)
    response = login(alice).get(reverse("deliveries:send", args=[reply.pk]))
    assert response.status_code == 200
    assert b'name="method"' in response.content and b"jane@example.org" in response.content


def test_it_shows_the_form_for_the_composers_button_without_sending(alice, login):
    reply = small_reply(alice)
    response = login(alice).post(reverse("deliveries:send", args=[reply.pk]), {"version": reply.version})
    assert response.status_code == 200
    assert not Delivery.objects.exists()


def test_it_sends_on_post(alice, login, django_capture_on_commit_callbacks):
    reply = small_reply(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice).post(
            reverse("deliveries:send", args=[reply.pk]), {"method": "email", "version": reply.version}
        )
    assert response.status_code == 302 and response["Location"].endswith("#deliveries")
    assert Delivery.objects.get(reply=reply).status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_it_refuses_a_form_from_an_older_version(alice, login):
    reply = small_reply(alice)
    response = login(alice).post(
        reverse("deliveries:send", args=[reply.pk]), {"method": "email", "version": reply.version - 1}
    )
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert response.context["form"].errors.as_data()["version"][0].code == "version"
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("user", ["charlie", "lee"])
def test_it_forbids_people_without_a_sending_role(user, alice, login, request):
    reply = small_reply(alice)
    client = login(request.getfixturevalue(user))
    assert client.post(reverse("deliveries:send", args=[reply.pk]), {"method": "email"}).status_code == 403
    assert client.get(reverse("deliveries:export", args=[reply.pk, "txt"])).status_code == 403
    assert not Delivery.objects.exists()


def test_it_sends_anonymous_visitors_to_log_in(alice, client):
    reply = small_reply(alice)
    response = client.post(reverse("deliveries:send", args=[reply.pk]), {"method": "email"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_retries_only_on_post(alice, login):
    delivery = sent_delivery(alice)
    client = login(alice)
    assert client.get(reverse("deliveries:retry", args=[delivery.pk])).status_code == 405
    response = client.post(reverse("deliveries:retry", args=[delivery.pk]))  # sent: refused, said so
    assert response.status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENT


def test_it_downloads_the_archive_and_logs_it(alice, bob, login):
    delivery = sent_delivery(alice)
    response = login(bob).get(reverse("deliveries:archive", args=[delivery.pk, "eml"]))
    assert response.status_code == 200
    assert response.content == bytes(delivery.eml)
    assert response["Content-Type"] == "message/rfc822"
    assert "attachment;" in response["Content-Disposition"]
    assert InquiryEvent.objects.filter(action="delivery.downloaded", actor=bob).count() == 1
    assert login(bob).get(reverse("deliveries:archive", args=[delivery.pk, "pdf"])).status_code == 404  # none
    assert login(bob).get(reverse("deliveries:archive", args=[delivery.pk, "zip"])).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("html", "text/html; charset=utf-8", b"<!doctype html>"),
        ("txt", "text/plain; charset=utf-8", b"Scleromyxedema\n"),
    ],
)
def test_it_exports_the_letter(fmt, content_type, start, alice, rita, login):
    reply = small_reply(alice, status=Reply.Status.DRAFTING)
    response = login(rita).get(reverse("deliveries:export", args=[reply.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert f'filename="{reply.inquiry.reference}-reply-{reply.pk}.{fmt}"' in response["Content-Disposition"]


def test_it_exports_pdf_and_eml(alice, login):
    reply = small_reply(alice)
    client = login(alice)
    pdf = client.get(reverse("deliveries:export", args=[reply.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    eml = client.get(reverse("deliveries:export", args=[reply.pk, "eml"]))
    assert eml["Content-Type"] == "message/rfc822" and b"Content-Type: application/pdf" in eml.content
    assert client.get(reverse("deliveries:export", args=[reply.pk, "exe"])).status_code == 404
    assert not Delivery.objects.exists()  # downloading is not sending


def test_it_shows_deliveries_on_the_inquiry_in_one_query(alice, login, django_assert_num_queries):
    delivery = sent_delivery(alice)
    inquiry = delivery.reply.inquiry
    with django_assert_num_queries(1):
        found = deliveries_of(inquiry)
        assert [d.created_by.username for d in found] == ["alice"]
    page = login(alice).get(inquiry.get_absolute_url()).content.decode()
    assert "Deliveries" in page and reverse("deliveries:archive", args=[delivery.pk, "eml"]) in page


def test_it_offers_the_downloads_on_the_inquiry(alice, login):
    reply = small_reply(alice)
    page = login(alice).get(reply.inquiry.get_absolute_url()).content.decode()
    for fmt in ("pdf", "eml", "html"):
        assert reverse("deliveries:export", args=[reply.pk, fmt]) in page


@pytest.mark.parametrize("user", ["charlie", "lee"])
def test_it_keeps_the_archive_from_people_without_a_role(user, alice, login, request):
    delivery = sent_delivery(alice)
    client = login(request.getfixturevalue(user))
    assert client.get(reverse("deliveries:archive", args=[delivery.pk, "eml"])).status_code == 403
    assert client.post(reverse("deliveries:retry", args=[delivery.pk])).status_code == 403
    assert not InquiryEvent.objects.filter(action="delivery.downloaded").exists()


def test_it_sends_the_html_that_the_download_shows(alice, login):
    import email
    from email import policy

    reply = small_reply(alice)
    client = login(alice)
    html = client.get(reverse("deliveries:export", args=[reply.pk, "html"])).content.decode()
    eml = client.get(reverse("deliveries:export", args=[reply.pk, "eml"])).content
    message = email.message_from_bytes(eml, policy=policy.default)
    assert message.get_body(("html",)).get_content() == html


def test_it_shows_a_send_error_next_to_the_send_button(alice, login):
    reply = small_reply(alice)
    reply.inquiry.requester.email = ""
    reply.inquiry.requester.save(update_fields=["email"])
    response = login(alice).post(
        reverse("deliveries:send", args=[reply.pk]), {"method": "email", "version": reply.version}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "no_email"
    body = response.content.decode()
    error = body.index('id="send-error"')
    assert body.index('name="method"') < error < body.index(">Send</button>")
    assert "The requester has no email address: send a PDF letter instead." in body[error:]
    assert not Delivery.objects.exists()


def test_it_offers_the_printed_letter_after_the_email(alice, login, django_capture_on_commit_callbacks):
    reply = small_reply(alice)
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("deliveries:send", args=[reply.pk]), {"method": "email", "version": reply.version})
    reply.refresh_from_db()
    response = client.get(reverse("deliveries:send", args=[reply.pk]))
    assert response.context["form"].fields["method"].initial == "letter"
    assert b'id="sent-by">Already sent or on its way: by email.' in response.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("deliveries:send", args=[reply.pk]), {"method": "letter", "version": reply.version})
    assert sorted(Delivery.objects.values_list("method", "status")) == [("email", "sent"), ("letter", "sent")]
