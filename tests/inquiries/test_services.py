import datetime as dt

import pytest
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, Requester
from inquiries.services import (
    AlreadyTaken,
    NotAllowed,
    add_business_days,
    inquiry_assign,
    inquiry_close_without_reply,
    inquiry_create,
    inquiry_note,
    inquiry_reopen,
    inquiry_take,
    path_to_sent,
)
from inquiries.workflow import IllegalTransition, inquiry_transition
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db
S = Inquiry.Status


def create(**kw):
    kw.setdefault("name", "Pat Doe")
    kw.setdefault("email", "Pat@Example.org")
    kw.setdefault("question", "What causes scleromyxedema and how is it treated?")
    return inquiry_create(**kw)


def test_it_counts_business_days():
    friday = dt.date(2026, 11, 27)
    assert add_business_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_business_days(friday, 10) == dt.date(2026, 12, 11)
    assert add_business_days(dt.date(2026, 11, 28), 1) == dt.date(2026, 11, 30)  # from a Saturday


def test_it_numbers_references_per_year_in_sequence():
    received = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    first = create(received_at=received)
    second = create(received_at=received)
    old = create(received_at=dt.datetime(2025, 6, 1, 15, tzinfo=dt.UTC))
    assert first.reference == "RD-2026-000001"
    assert second.reference == "RD-2026-000002"
    assert old.reference == "RD-2025-000001"


def test_it_sets_the_due_date_and_records_the_creation(settings):
    settings.INQUIRY_DUE_BUSINESS_DAYS = 10
    inquiry = create(received_at=dt.datetime(2026, 11, 27, 15, tzinfo=dt.UTC))  # a Friday
    assert inquiry.due_date == dt.date(2026, 12, 11)
    assert inquiry.status == S.NEW
    event = inquiry.events.get()
    assert event.action == "inquiry.created"
    assert event.to_status == S.NEW


def test_it_reuses_the_requester_with_the_same_email():
    first = create(email="pat@example.org")
    second = create(email="PAT@example.org", name="Pat Q. Doe")
    assert first.requester_id == second.requester_id
    assert Requester.objects.get().name == "Pat Doe"  # kept; what was typed stays on the inquiry
    assert second.contact_given["name"] == "Pat Q. Doe"


def test_it_lets_a_specialist_take_an_unassigned_inquiry(alice):
    inquiry = make_inquiry()
    inquiry_take(inquiry=inquiry, by=alice)
    inquiry.refresh_from_db()
    assert inquiry.assignee == alice
    assert inquiry.status == S.ASSIGNED
    event = inquiry.events.get(action="inquiry.assigned")
    assert (event.actor, event.from_status, event.to_status) == (alice, S.NEW, S.ASSIGNED)


def test_it_refuses_to_take_an_inquiry_someone_holds(alice, bob):
    inquiry = make_inquiry()
    inquiry_take(inquiry=inquiry, by=alice)
    with pytest.raises(AlreadyTaken, match="alice"):
        inquiry_take(inquiry=make_inquiry_ref(inquiry), by=bob)
    assert Inquiry.objects.get().assignee == alice
    assert InquiryEvent.objects.filter(action="inquiry.assigned").count() == 1


def make_inquiry_ref(inquiry):
    return Inquiry.objects.get(pk=inquiry.pk)


def test_it_refuses_take_without_the_specialist_role(lee):
    with pytest.raises(NotAllowed):
        inquiry_take(inquiry=make_inquiry(), by=lee)


def test_it_lets_a_supervisor_assign_and_reassign(sam, alice, bob):
    inquiry = make_inquiry()
    inquiry_assign(inquiry=inquiry, to_user=alice, by=sam)
    inquiry_assign(inquiry=inquiry, to_user=bob, by=sam)
    inquiry.refresh_from_db()
    assert (inquiry.assignee, inquiry.status) == (bob, S.ASSIGNED)
    events = list(inquiry.events.filter(action="inquiry.assigned"))
    assert [e.data["assignee"] for e in events] == ["alice", "bob"]
    assert events[1].data["previous"] == "alice"


def test_it_refuses_assignment_by_a_specialist(alice, bob):
    with pytest.raises(NotAllowed):
        inquiry_assign(inquiry=make_inquiry(), to_user=bob, by=alice)


@pytest.mark.parametrize(
    ("start", "to"),
    [(S.NEW, S.SENT), (S.NEW, S.DRAFTING), (S.IN_REVIEW, S.SENT), (S.CLOSED, S.SENT), (S.SENT, S.NEW)],
)
def test_it_refuses_illegal_moves_and_changes_nothing(alice, start, to):
    inquiry = make_inquiry(status=start)
    with pytest.raises(IllegalTransition):
        inquiry_transition(inquiry=inquiry, to=to, by=alice)
    assert Inquiry.objects.get().status == start
    assert not InquiryEvent.objects.exists()


def test_it_walks_the_whole_cycle(alice):
    inquiry = make_inquiry()
    inquiry_take(inquiry=inquiry, by=alice)
    for to in (S.DRAFTING, S.IN_REVIEW, S.READY, S.SENT, S.CLOSED):
        inquiry_transition(inquiry=inquiry, to=to, by=alice)
    inquiry.refresh_from_db()
    assert inquiry.sent_at is not None and inquiry.closed_at is not None
    assert [e.to_status for e in inquiry.events.all()] == [
        S.ASSIGNED,
        S.DRAFTING,
        S.IN_REVIEW,
        S.READY,
        S.SENT,
        S.CLOSED,
    ]


def test_it_closes_a_duplicate_and_reopens_it(alice):
    original = make_inquiry()
    inquiry = make_inquiry()
    inquiry_close_without_reply(inquiry=inquiry, reason="duplicate", duplicate_of=original, by=alice)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.close_reason, inquiry.duplicate_of) == (
        S.CLOSED_WITHOUT_REPLY,
        "duplicate",
        original,
    )
    assert inquiry.closed_at is not None
    inquiry_reopen(inquiry=inquiry, by=alice)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.close_reason, inquiry.duplicate_of, inquiry.closed_at) == (S.NEW, "", None, None)
    assert inquiry.events.last().action == "inquiry.reopened"


def test_it_needs_the_other_inquiry_for_a_duplicate(alice):
    inquiry = make_inquiry()
    with pytest.raises(ValueError, match="duplicate"):
        inquiry_close_without_reply(inquiry=inquiry, reason="duplicate", by=alice)
    assert Inquiry.objects.get().status == S.NEW


def test_it_keeps_notes_in_the_timeline_only(alice, mailoutbox):
    inquiry = make_inquiry()
    inquiry_note(inquiry=inquiry, by=alice, note="  Called back, left a message. ")
    event = inquiry.events.get()
    assert (event.action, event.note, event.actor) == ("inquiry.note", "Called back, left a message.", alice)
    assert mailoutbox == []


def test_it_never_changes_the_timeline(alice):
    inquiry = make_inquiry()
    inquiry_note(inquiry=inquiry, by=alice, note="x")
    event = inquiry.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        InquiryEvent.objects.all().delete()


def test_it_marks_overdue_open_inquiries_only():
    past = timezone.now() - dt.timedelta(days=30)
    assert make_inquiry(received_at=past).is_overdue
    assert not make_inquiry(received_at=past, status=S.SENT).is_overdue
    assert not make_inquiry().is_overdue


def test_it_links_the_topics_the_question_names():
    from library.models import Topic

    topic = Topic.objects.create(name="Scleromyxedema")
    Topic.objects.create(name="Marfan syndrome")
    inquiry = create(question="What causes scleromyxedema and how is it treated?")
    assert list(inquiry.topics.all()) == [topic]
    assert inquiry.events.get().data["topics"] == ["Scleromyxedema"]


def test_it_keeps_a_waiting_inquiry_waiting_when_it_changes_hands(sam, alice, bob):
    inquiry = make_inquiry(status=S.WAITING)
    inquiry_take(inquiry=inquiry, by=alice)
    assert (Inquiry.objects.get().status, Inquiry.objects.get().assignee) == (S.WAITING, alice)
    inquiry_assign(inquiry=inquiry, to_user=bob, by=sam)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.assignee) == (S.WAITING, bob)
    assert [e.to_status for e in inquiry.events.all()] == [S.WAITING, S.WAITING]


def test_it_does_not_take_a_closed_inquiry(alice):
    inquiry = make_inquiry(status=S.CLOSED)
    with pytest.raises(IllegalTransition):
        inquiry_take(inquiry=inquiry, by=alice)
    assert Inquiry.objects.get().assignee is None


def test_it_reopens_a_closed_inquiry_when_a_supervisor_assigns_it(sam, alice):
    inquiry = make_inquiry(status=S.CLOSED_WITHOUT_REPLY, close_reason="spam")
    inquiry_assign(inquiry=inquiry, to_user=alice, by=sam)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.assignee, inquiry.close_reason) == (S.ASSIGNED, alice, "")


def test_it_finds_the_legal_way_to_sent():
    assert path_to_sent(S.READY) == [S.SENT]
    assert path_to_sent(S.IN_REVIEW) == [S.READY, S.SENT]
    assert path_to_sent(S.ASSIGNED) == [S.DRAFTING, S.READY, S.SENT]
    assert path_to_sent(S.CLOSED) is None
