"""Notifications: the bell with its unread count, reading them, email for who wants it, and
the events that raise them (assigned, returned, approved; the tick's are in test_desk_tick)."""

import pytest
from django.core import mail
from django.utils import timezone

from inquiries.models import Notification, NotificationPreference
from inquiries.services import inquiry_assign, inquiry_follow_reply, inquiry_take
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db


def test_it_tells_a_specialist_an_inquiry_was_assigned_to_them(alice, sam):
    inquiry = make_inquiry()
    inquiry_assign(inquiry=inquiry, to_user=alice, by=sam)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.inquiry) == (alice, "assigned", inquiry)
    assert notification.event.action == "inquiry.assigned"


def test_it_tells_nobody_of_their_own_take(alice):
    inquiry_take(inquiry=make_inquiry(), by=alice)
    assert not Notification.objects.exists()


def test_it_tells_the_author_when_a_reply_is_returned(alice, rita):
    inquiry = make_inquiry(status="in_review", assignee=alice)
    inquiry_follow_reply(inquiry=inquiry, to="drafting", by=rita, action="reply.returned", note="Cite it.",
                         data={"reply": 1}, tell=alice, notice="returned")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.event.note) == (alice, "returned", "Cite it.")


def test_it_shows_the_bell_with_the_unread_count(login, alice, sam):
    for _ in range(2):
        inquiry_assign(inquiry=make_inquiry(), to_user=alice, by=sam)
    body = login(alice).get("/desk/").content.decode()
    assert 'id="unread-count">2<' in body
    assert 'id="unread-count">0<' in login(sam).get("/desk/").content.decode()


def test_the_bell_follows_every_change_page_after_page(client, alice, bob, sam):
    # The count's statement is built once per person and sent again (lib.statements): each page
    # must still read the count of that moment, and of that person.
    def bell(user) -> str:
        client.force_login(user)
        return client.get("/desk/").content.decode().split('id="unread-count">')[1].split("<")[0]

    assert (bell(alice), bell(bob)) == ("0", "0")
    inquiry_assign(inquiry=make_inquiry(), to_user=alice, by=sam)
    assert (bell(alice), bell(bob)) == ("1", "0")
    inquiry_assign(inquiry=make_inquiry(), to_user=bob, by=sam)
    inquiry_assign(inquiry=make_inquiry(), to_user=alice, by=sam)
    assert (bell(alice), bell(bob)) == ("2", "1")
    Notification.objects.filter(recipient=alice).update(read_at=timezone.now())
    assert (bell(alice), bell(bob)) == ("0", "1")


def test_it_marks_an_inquirys_notifications_read_when_opened(login, alice, sam):
    first, second = make_inquiry(), make_inquiry()
    inquiry_assign(inquiry=first, to_user=alice, by=sam)
    inquiry_assign(inquiry=second, to_user=alice, by=sam)
    client = login(alice)
    page = client.get("/desk/notifications/").content.decode()
    assert "sam assigned the inquiry to alice." in page
    opened = Notification.objects.get(inquiry=first)
    response = client.post(f"/desk/notifications/{opened.pk}/open/")
    assert response["Location"] == f"/desk/inquiries/{first.pk}/"
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("inquiry_id", flat=True)) == {second.pk}
    client.post("/desk/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_keeps_each_persons_notifications_to_themselves(login, alice, bob, sam):
    inquiry_assign(inquiry=make_inquiry(), to_user=alice, by=sam)
    theirs = Notification.objects.get()
    client = login(bob)
    assert client.post(f"/desk/notifications/{theirs.pk}/open/").status_code == 404
    assert "assigned the inquiry" not in client.get("/desk/notifications/").content.decode()
    client.post("/desk/notifications/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_emails_only_who_asked_and_only_once(login, alice, bob, sam, django_capture_on_commit_callbacks):
    login(alice).post("/desk/notifications/settings/", {"by_email": "on"})
    assert NotificationPreference.objects.get(user=alice).by_email
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_assign(inquiry=make_inquiry(), to_user=alice, by=sam)
        inquiry_assign(inquiry=make_inquiry(), to_user=bob, by=sam)
    assert [message.to for message in mail.outbox] == [["alice@desk.example.org"]]
    assert "Assigned to you" in mail.outbox[0].subject
    assert "sam assigned the inquiry to alice." in mail.outbox[0].body
    login(alice).post("/desk/notifications/settings/", {})
    assert not NotificationPreference.objects.get(user=alice).by_email


def test_it_refuses_notification_pages_to_anonymous_and_roleless_users(client, login, charlie):
    assert client.get("/desk/notifications/")["Location"].startswith("/accounts/login/")
    assert login(charlie).get("/desk/notifications/").status_code == 403
    assert login(charlie).post("/desk/notifications/read/").status_code == 403


def test_it_refuses_get_on_marking_read(login, alice):
    assert login(alice).get("/desk/notifications/read/").status_code == 405
