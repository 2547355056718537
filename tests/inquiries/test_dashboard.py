import datetime as dt

import pytest
from django.utils import timezone

from inquiries.models import Inquiry
from inquiries.selectors import weekly_chart
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
S = Inquiry.Status
# user, roles (the session is read from the cache); open by status, summary (the personal views),
# mine, overdue, unassigned, unread notifications; and, unless cached,
# finished by status, chart, median (count and middle).
DASHBOARD_QUERIES = 8
HISTORY_QUERIES = 4


def answered(days_ago: int, took_days: int, **fields) -> Inquiry:
    sent = timezone.now() - dt.timedelta(days=days_ago)
    return make_inquiry(received_at=sent - dt.timedelta(days=took_days), status=S.SENT, sent_at=sent, **fields)


def test_it_shows_the_counts(login, alice, bob):
    make_inquiry()
    make_inquiry(received_at=timezone.now() - dt.timedelta(days=30))  # overdue, unassigned
    make_inquiry(status=S.ASSIGNED, assignee=alice)
    make_inquiry(status=S.ASSIGNED, assignee=bob)
    answered(2, 4)
    response = login(alice).get("/desk/")
    assert response.status_code == 200
    context = response.context
    assert context["summary"]["mine"] == 1
    assert context["summary"]["overdue"] == 1
    assert context["summary"]["unassigned"] == 2
    counts = {value: n for value, _label, n in context["status_counts"]}
    assert (counts["new"], counts["assigned"], counts["sent"], counts["closed"]) == (2, 2, 1, 0)
    assert context["total"] == 5
    assert b"<svg" in response.content


def test_it_computes_the_median_turnaround_over_90_days(login, alice):
    answered(1, 2)
    answered(1, 4)
    answered(1, 6)
    answered(1, 10)
    answered(120, 1)  # older than 90 days: left out
    response = login(alice).get("/desk/")
    assert response.context["median_turnaround"] == dt.timedelta(days=5)


def test_it_counts_received_and_answered_per_week():
    today = timezone.localdate()
    now = timezone.now()
    make_inquiry(received_at=now)
    make_inquiry(received_at=now - dt.timedelta(weeks=3))
    answered(0, 7 * 3)
    make_inquiry(received_at=now - dt.timedelta(weeks=30))  # before the chart
    weeks = weekly_chart(today)
    assert len(weeks) == 26
    assert weeks[-1].received == 1
    assert weeks[-1].answered == 1
    assert sum(w.received for w in weeks) == 3
    assert sum(w.answered for w in weeks) == 1


@pytest.mark.parametrize("rows", [2, 40])
def test_it_runs_a_fixed_number_of_queries(login, alice, django_assert_num_queries, rows):
    requester = make_requester()
    for i in range(rows):
        make_inquiry(
            requester, received_at=timezone.now() - dt.timedelta(days=i * 3), assignee=alice, status=S.ASSIGNED
        )
        answered(i, 3)
    client = login(alice)
    with django_assert_num_queries(DASHBOARD_QUERIES + HISTORY_QUERIES):
        client.get("/desk/")
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get("/desk/")


def test_it_keeps_the_history_for_a_while_but_live_counts_live(login, alice):
    client = login(alice)
    client.get("/desk/")
    make_inquiry()
    answered(1, 2)
    response = client.get("/desk/")
    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts["new"] == 1  # live
    assert counts["sent"] == 0  # from the cached history
    assert response.context["summary"]["unassigned"] == 1


def test_it_refuses_the_dashboard_to_anonymous_and_roleless_users(client, login, charlie):
    assert client.get("/desk/")["Location"].startswith("/accounts/login/")
    assert login(charlie).get("/desk/").status_code == 403


def test_it_refuses_post_on_the_dashboard(login, alice):
    assert login(alice).post("/desk/").status_code == 405


def test_it_takes_the_middle_value_of_an_odd_count():
    from inquiries.selectors import median_turnaround

    assert median_turnaround(timezone.now()) is None
    for took in (1, 3, 8):
        answered(1, took)
    assert median_turnaround(timezone.now()) == dt.timedelta(days=3)
