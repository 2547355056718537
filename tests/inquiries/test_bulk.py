"""Bulk actions in the queue (assign, close with a reason, merge two) and the workload table."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inquiries.bulk import MergeError, inquiry_merge
from inquiries.models import Inquiry, InquiryAttachment, InquiryEvent
from inquiries.services import inquiry_create, inquiry_note, inquiry_take
from library.models import Topic
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
S = Inquiry.Status


def bulk(client, *inquiries, **fields):
    return client.post("/desk/inquiries/bulk/", {"ids": [i.pk for i in inquiries], **fields})


def test_it_assigns_the_ticked_inquiries(login, sam, alice):
    one, two = make_inquiry(), make_inquiry()
    untouched = make_inquiry()
    response = bulk(login(sam), one, two, action="assign", assignee=alice.pk, query="view=unassigned")
    assert response["Location"] == "/desk/inquiries/?view=unassigned"
    assert set(Inquiry.objects.filter(assignee=alice).values_list("pk", flat=True)) == {one.pk, two.pk}
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert alice.notifications.count() == 2


def test_it_lets_only_supervisors_assign_in_bulk(login, alice, bob):
    one = make_inquiry()
    assert bulk(login(alice), one, action="assign", assignee=bob.pk).status_code == 403
    one.refresh_from_db()
    assert one.assignee is None


def test_it_closes_with_a_reason_and_reports_those_that_cannot(login, alice):
    new, sent = make_inquiry(), make_inquiry(status=S.SENT)
    client = login(alice)
    bulk(client, new, sent, action="close", reason="spam", note="Advertising.")
    new.refresh_from_db()
    sent.refresh_from_db()
    assert (new.status, new.close_reason) == (S.CLOSED_WITHOUT_REPLY, "spam")
    assert sent.status == S.SENT
    body = client.get("/desk/inquiries/").content.decode()
    assert f"{sent.reference}: {sent.reference} cannot move from Sent to Closed without reply." in body


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"action": "close"}, "reason", "required"),
        ({"action": "close", "reason": "duplicate", "duplicate_of": "RD-1999-000001"}, "duplicate_of", "unknown"),
        ({"action": "assign"}, "assignee", "required"),
        ({"action": "merge"}, "ids", "not_two"),
    ],
)
def test_it_refuses_an_incomplete_action_and_changes_nothing(sam, fields, field, code):
    from inquiries.forms import BulkForm

    inquiry = make_inquiry()
    form = BulkForm({"ids": [inquiry.pk], **fields})
    assert not form.is_valid()
    assert form.errors.as_data()[field][0].code == code
    inquiry.refresh_from_db()
    assert inquiry.status == S.NEW


def test_it_refuses_bulk_to_a_reviewer_only_and_anonymous(client, login, charlie):
    inquiry = make_inquiry()
    assert client.post("/desk/inquiries/bulk/", {"ids": [inquiry.pk], "action": "close", "reason": "spam"})[
        "Location"
    ].startswith("/accounts/login/")
    assert login(charlie).post("/desk/inquiries/bulk/", {"ids": [inquiry.pk]}).status_code == 403
    assert login(charlie).get("/desk/inquiries/bulk/").status_code == 403


def test_it_refuses_get_on_bulk(login, alice):
    assert login(alice).get("/desk/inquiries/bulk/").status_code == 405


@pytest.fixture
def two_from_one_person(alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = inquiry_create(name="Pat Doe", email="pat@example.org", question="What causes scleromyxedema?",
                           received_at=timezone.now() - dt.timedelta(days=2))
    second = inquiry_create(name="Pat Doe", email="pat@example.org", question="And is it inherited? I forgot to ask.",
                            attachment=SimpleUploadedFile("letter.txt", b"Dear center,", "text/plain"), by=bob)
    inquiry_take(inquiry=first, by=alice)
    inquiry_note(inquiry=second, by=bob, note="Called: same person as the earlier one.")
    second.topics.add(Topic.objects.create(name="Fabry disease"))
    return first, second


def test_it_merges_keeping_every_event_and_attachment(two_from_one_person, alice, login):
    first, second = two_from_one_person
    second_events = list(second.events.values_list("action", "created_at", "note"))
    before = InquiryEvent.objects.count()
    response = bulk(login(alice), second, first, action="merge")
    assert response["Location"] == f"/desk/inquiries/{first.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    # The later one is closed as a duplicate of the earlier one, which carries on.
    assert (second.status, second.close_reason, second.duplicate_of) == (S.CLOSED_WITHOUT_REPLY, "duplicate", first)
    assert first.status == S.ASSIGNED
    # Its timeline is copied onto the earlier one with the original times; its own stays whole.
    copied = list(first.events.filter(data__merged_from=second.reference).values_list("action", "created_at", "note"))
    assert copied == second_events
    own = list(second.events.values_list("action", flat=True))
    assert own[: len(second_events)] == [action for action, _time, _note in second_events]
    assert InquiryEvent.objects.count() == before + len(second_events) + 3  # merged_from, merged_into, closed
    # Both timelines record the merge; the later question is kept on the earlier timeline.
    merged_from = first.events.get(action="inquiry.merged_from")
    assert merged_from.note == "And is it inherited? I forgot to ask."
    assert second.events.filter(action="inquiry.merged_into", data__other=first.reference).exists()
    # Attachments and topics move.
    assert list(InquiryAttachment.objects.values_list("inquiry_id", "original_name")) == [(first.pk, "letter.txt")]
    assert set(first.topics.values_list("name", flat=True)) >= {"Fabry disease"}
    body = login(alice).get(f"/desk/inquiries/{first.pk}/").content.decode()
    assert f"alice merged {second.reference} into this inquiry." in body
    assert "letter.txt" in body


def test_it_refuses_to_merge_inquiries_of_different_people(alice):
    one = make_inquiry(make_requester(name="A", email="a@example.org"))
    two = make_inquiry(make_requester(name="B", email="b@example.org"))
    with pytest.raises(MergeError, match="same person"):
        inquiry_merge(source=two, target=one, by=alice)
    two.refresh_from_db()
    assert two.status == S.NEW
    assert not InquiryEvent.objects.exists()


def test_it_refuses_to_merge_an_inquiry_whose_reply_is_sent(alice):
    requester = make_requester()
    one, sent = make_inquiry(requester), make_inquiry(requester, status=S.SENT)
    with pytest.raises(MergeError):
        inquiry_merge(source=sent, target=one, by=alice)
    assert not InquiryEvent.objects.exists()


def test_it_shows_the_workload_per_specialist_to_a_supervisor(login, sam, alice, bob):
    today = timezone.localdate()
    make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=today - dt.timedelta(days=2))
    make_inquiry(status=S.DRAFTING, assignee=alice, due_date=today)
    make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=today + dt.timedelta(days=30))
    make_inquiry(status=S.SENT, assignee=bob, due_date=today - dt.timedelta(days=2))
    response = login(sam).get("/desk/")
    loads = {load.username: (load.open, load.due_soon, load.overdue) for load in response.context["workload"]}
    assert loads == {"alice": (3, 1, 1), "bob": (0, 0, 0), "sam": (0, 0, 0)}
    assert b'id="workload"' in response.content
    assert "workload" not in login(alice).get("/desk/").context
