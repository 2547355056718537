"""Personal views: mine, awaiting my review, returned to me, unassigned, due soon, overdue —
in the queue, on the dashboard and counted in the navigation bar."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from inquiries.models import Inquiry
from inquiries.workflow import add_business_days, inquiry_transition
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db
S = Inquiry.Status


def refs(response):
    return sorted(inquiry.reference for inquiry in response.context["page"])


def returned_to(user) -> Inquiry:
    """An inquiry whose reply a reviewer sent back to `user`."""
    inquiry = make_inquiry(status=S.DRAFTING, assignee=user)
    inquiry_transition(inquiry=inquiry, to=S.IN_REVIEW, by=user, action="reply.submitted")
    inquiry_transition(inquiry=inquiry, to=S.DRAFTING, by=None, action="reply.returned", note="Cite the review.")
    return inquiry


@pytest.fixture
def desk(alice, bob, rita):
    today = timezone.localdate()
    return {
        "mine": make_inquiry(status=S.ASSIGNED, assignee=alice, due_date=today + dt.timedelta(days=30)),
        "bobs": make_inquiry(status=S.ASSIGNED, assignee=bob, due_date=today + dt.timedelta(days=30)),
        "in_review": make_inquiry(status=S.IN_REVIEW, assignee=alice, due_date=today + dt.timedelta(days=30)),
        "ritas_review": make_inquiry(status=S.IN_REVIEW, assignee=rita, due_date=today + dt.timedelta(days=30)),
        "returned": returned_to(alice),
        "unassigned": make_inquiry(due_date=today + dt.timedelta(days=30)),
        "due_soon": make_inquiry(status=S.ASSIGNED, assignee=bob, due_date=add_business_days(today, 1)),
        "overdue": make_inquiry(status=S.ASSIGNED, assignee=bob, due_date=today - dt.timedelta(days=1)),
        "waiting_late": make_inquiry(status=S.WAITING, assignee=bob, due_date=today - dt.timedelta(days=1)),
        "sent_late": make_inquiry(status=S.SENT, assignee=alice, due_date=today - dt.timedelta(days=1)),
    }


def test_it_filters_the_queue_by_each_personal_view(login, alice, desk):
    client = login(alice)
    ref = {name: inquiry.reference for name, inquiry in desk.items()}
    assert refs(client.get("/desk/inquiries/?view=mine")) == sorted([ref["mine"], ref["in_review"], ref["returned"]])
    assert refs(client.get("/desk/inquiries/?view=returned")) == [ref["returned"]]
    assert refs(client.get("/desk/inquiries/?view=unassigned")) == [ref["unassigned"]]
    assert refs(client.get("/desk/inquiries/?view=due_soon")) == [ref["due_soon"]]
    # Waiting on the requester stops the clock: not overdue. Sent is done: not overdue either.
    assert refs(client.get("/desk/inquiries/?view=overdue")) == [ref["overdue"]]
    assert refs(client.get("/desk/inquiries/?view=review")) == []  # alice is no reviewer


def test_it_shows_a_reviewer_the_replies_of_others_awaiting_review(login, rita, desk):
    response = login(rita).get("/desk/inquiries/?view=review")
    assert refs(response) == [desk["in_review"].reference]  # not her own


def test_it_forgets_a_return_once_the_reply_is_submitted_again(login, alice):
    inquiry = returned_to(alice)
    inquiry_transition(inquiry=inquiry, to=S.IN_REVIEW, by=alice, action="reply.submitted")
    assert refs(login(alice).get("/desk/inquiries/?view=returned")) == []


def test_it_counts_the_views_in_the_navigation_bar(login, rita, desk):
    body = login(rita).get("/desk/library/").content.decode()
    assert 'id="nav-review" href="/desk/inquiries/?view=review">To review <span class="badge text-bg-info">1<' in body
    assert 'id="nav-overdue" href="/desk/inquiries/?view=overdue">Overdue <span class="badge text-bg-danger">1<' in body
    assert 'id="nav-returned"' not in body  # nothing returned to rita


def nav_counts(client) -> dict[str, int]:
    body = client.get("/desk/library/").content.decode()
    found = re.findall(r'id="nav-([a-z-]+)" href="[^"]*">[^<]*<span class="badge[^"]*">(\d+)<', body)
    return {name: int(n) for name, n in found}


def test_the_counts_follow_every_change_page_after_page(alice, bob, rita, desk):
    """The counts' query is built once per person and day and then sent again as it is: each
    page must still count what is there now, for that person."""
    ritas, alices = Client(), Client()
    ritas.force_login(rita)
    alices.force_login(alice)
    assert nav_counts(ritas) == {"mine": 1, "review": 1, "due-soon": 1, "overdue": 1}
    assert nav_counts(alices) == {"mine": 3, "returned": 1, "due-soon": 1, "overdue": 1}

    make_inquiry(status=S.IN_REVIEW, assignee=bob, due_date=timezone.localdate() + dt.timedelta(days=30))
    inquiry_transition(inquiry=desk["returned"], to=S.IN_REVIEW, by=alice, action="reply.submitted")
    assert nav_counts(ritas) == {"mine": 1, "review": 3, "due-soon": 1, "overdue": 1}
    assert nav_counts(alices) == {"mine": 3, "due-soon": 1, "overdue": 1}

    rita.groups.remove(Group.objects.get(name="Reviewer"))
    assert "review" not in nav_counts(ritas)
    # A week on, the inquiry that was due soon is overdue too.
    with time_machine.travel(timezone.now() + dt.timedelta(days=7), tick=False):
        alices.force_login(alice)  # the session of a week ago has expired
        assert nav_counts(alices)["overdue"] == 2


def test_it_shows_no_counts_to_a_library_editor(login, lee, desk):
    body = login(lee).get("/desk/library/").content.decode()
    assert 'id="nav-mine"' not in body


def test_it_flags_a_returned_reply_first_on_the_dashboard(login, alice, desk):
    response = login(alice).get("/desk/")
    summary = response.context["summary"]
    assert (summary["mine"], summary["returned"], summary["review"]) == (3, 1, 0)
    assert (summary["unassigned"], summary["due_soon"], summary["overdue"]) == (1, 1, 1)
    assert response.context["mine"][0].reference == desk["returned"].reference
    assert response.content.decode().count('badge text-bg-warning returned">Returned<') == 1


def test_it_lists_awaiting_review_on_a_reviewers_dashboard(login, rita, desk):
    response = login(rita).get("/desk/")
    assert [inquiry.reference for inquiry in response.context["review"]] == [desk["in_review"].reference]
    assert b'id="review-heading"' in response.content


def test_it_shows_the_review_card_to_reviewers_only(login, alice, rita, desk):
    assert 'id="count-review"' not in login(alice).get("/desk/").content.decode()
    assert 'id="count-review">1<' in login(rita).get("/desk/").content.decode()
