"""`manage.py desk_tick` with a frozen clock: warnings, escalation, the paused clock, the
reminder to the requester and the automatic closing — each once, however often it runs."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from inquiries.deadlines import desk_tick
from inquiries.models import Inquiry, Notification, NotificationPreference
from inquiries.services import inquiry_requester_replied, inquiry_wait
from inquiries.timeline import event_sentence as sentence_in
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
S = Inquiry.Status
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK)


def at(day: dt.datetime):
    return time_machine.travel(day, tick=False)


def actions(inquiry) -> list[str]:
    return list(inquiry.events.values_list("action", flat=True))


@pytest.fixture
def rules(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.INQUIRY_DUE_WARNING_BUSINESS_DAYS = 2
    settings.INQUIRY_WAITING_REMINDER_DAYS = 3
    settings.INQUIRY_WAITING_CLOSE_DAYS = 10
    return settings


def event_sentence(event) -> str:
    with translation.override("en"):
        return sentence_in(event)


def tick(capture, when: dt.datetime):
    with at(when), capture(execute=True):
        return desk_tick()


def test_it_warns_the_assignee_once_before_the_due_date(rules, alice, django_capture_on_commit_callbacks):
    soon = make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=dt.date(2026, 12, 2))  # in 2 business days
    later = make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=dt.date(2026, 12, 3))
    assert tick(django_capture_on_commit_callbacks, MONDAY).warned == 1
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(hours=1)).warned == 0
    assert actions(soon) == ["inquiry.due_soon"]
    assert actions(later) == []
    notification = Notification.objects.get()
    assert (notification.recipient, notification.inquiry, notification.kind) == (alice, soon, "due_soon")
    assert event_sentence(soon.events.get()) == "The inquiry is due on 2026-12-02: a reminder went to alice."


def test_it_escalates_an_overdue_inquiry_to_the_supervisors_once(rules, alice, bob, sam,
                                                                 django_capture_on_commit_callbacks):
    late = make_inquiry(status=S.DRAFTING, assignee=bob, due_date=dt.date(2026, 11, 27))
    assert tick(django_capture_on_commit_callbacks, MONDAY).escalated == 1
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=1)).escalated == 0
    assert actions(late) == ["inquiry.escalated"]
    told = set(Notification.objects.filter(kind="overdue").values_list("recipient__username", flat=True))
    assert told == {"sam", "bob"}


def test_it_pauses_the_clock_while_waiting_and_moves_the_due_date_on(rules, alice, sam,
                                                                     django_capture_on_commit_callbacks):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=dt.date(2026, 12, 4))
    with at(MONDAY):
        inquiry_wait(inquiry=inquiry, by=alice, note="Which type was diagnosed?")
    # Past the old due date, but waiting: neither warned nor escalated.
    assert tick(django_capture_on_commit_callbacks, dt.datetime(2026, 12, 7, 9, tzinfo=NEW_YORK)).escalated == 0
    with at(dt.datetime(2026, 12, 8, 15, tzinfo=NEW_YORK)):  # waited 1, 2, 3, 4, 7 and 8 December
        inquiry_requester_replied(inquiry=inquiry, note="It is the generalized form.")
    inquiry.refresh_from_db()
    assert inquiry.status == S.ASSIGNED
    assert inquiry.due_date == dt.date(2026, 12, 14)  # 4 December + 6 business days
    assert inquiry.waiting_since is None
    assert actions(inquiry) == [
        "inquiry.waiting", "inquiry.requester_reminded", "inquiry.requester_replied", "inquiry.resumed_work",
        "inquiry.resumed",
    ]
    assert event_sentence(inquiry.events.last()) == "The clock runs again; the inquiry is now due on 2026-12-14."
    assert Notification.objects.get(kind="requester_replied").recipient == alice


def test_it_resumes_drafting_where_it_was(rules, alice):
    inquiry = make_inquiry(status=S.DRAFTING, assignee=alice)
    inquiry_wait(inquiry=inquiry, by=alice)
    inquiry_requester_replied(inquiry=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == S.DRAFTING


def test_it_only_notes_an_answer_to_an_inquiry_that_is_not_waiting(rules, alice):
    inquiry = make_inquiry(status=S.DRAFTING, assignee=alice)
    inquiry_requester_replied(inquiry=inquiry, note="One more thing.")
    inquiry.refresh_from_db()
    assert inquiry.status == S.DRAFTING
    assert actions(inquiry) == ["inquiry.requester_replied"]


def test_it_reminds_the_requester_once_then_closes_without_answer(rules, alice, django_capture_on_commit_callbacks):
    requester = make_requester(name="Ana Gutiérrez", email="ana@example.org")
    inquiry = make_inquiry(requester, status=S.ASSIGNED, assignee=alice, language="es")
    phone = make_inquiry(make_requester(name="Phone Caller", email=""), status=S.ASSIGNED, assignee=alice)
    with at(MONDAY):
        inquiry_wait(inquiry=inquiry, by=alice)
        inquiry_wait(inquiry=phone, by=alice)
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=2)).reminded == 0
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=3)).reminded == 1
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=4)).reminded == 0
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert inquiry.reference in mail.outbox[0].subject
    assert "Ana" in mail.outbox[0].body
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=9)).closed == 0
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=10)).closed == 2
    assert tick(django_capture_on_commit_callbacks, MONDAY + dt.timedelta(days=11)).closed == 0
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.close_reason) == (S.CLOSED_WITHOUT_REPLY, "no_answer")
    assert actions(inquiry)[-2:] == ["inquiry.requester_reminded", "inquiry.no_answer_closed"]
    assert event_sentence(inquiry.events.last()) == "The inquiry was closed: no answer from the requester."
    assert len(mail.outbox) == 1


def test_it_emails_a_notification_once_to_who_asked_for_email(rules, alice, bob, django_capture_on_commit_callbacks):
    from inquiries.emails import notification_email_send

    NotificationPreference.objects.create(user=alice, by_email=True)
    make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=dt.date(2026, 12, 1))
    make_inquiry(status=S.ASSIGNED, assignee=bob, due_date=dt.date(2026, 12, 1))  # bob: the bell only
    tick(django_capture_on_commit_callbacks, MONDAY)
    assert [message.to for message in mail.outbox] == [["alice@desk.example.org"]]
    assert "Due soon" in mail.outbox[0].subject
    assert "/desk/inquiries/" in mail.outbox[0].body
    assert notification_email_send(notification_id=Notification.objects.get(recipient=alice).pk) is False
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 2


def test_it_runs_from_the_command_line(rules, alice, django_capture_on_commit_callbacks):
    make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=dt.date(2026, 12, 1))
    out = io.StringIO()
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        call_command("desk_tick", stdout=out)
    assert out.getvalue().strip() == "warned 1, escalated 0, reminded 0, closed 0"
