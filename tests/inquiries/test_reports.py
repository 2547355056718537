"""The supervisor's report: figures checked against ones computed by hand on a small fixture."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from inquiries.reports import report_rows
from library.models import Topic
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def day(month: int, d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, d, hour, tzinfo=NY)


@pytest.fixture
def fixture(settings, alice, bob):
    """Six inquiries in March and April 2026; turnarounds in whole days, due dates chosen by hand.

    answered: A 1 d (alice, on time), B 3 d (alice, on time), C 8 d (bob, late), D 10 d (alice, late)
    open: E (bob), F (nobody)
    """
    settings.TIME_ZONE = "America/New_York"
    sclero = Topic.objects.create(name="Scleromyxedema")
    fabry = Topic.objects.create(name="Fabry disease")
    parent = make_requester(name="Ana", email="ana@example.org", role="family")
    doctor = make_requester(name="Dr Lee", email="lee@example.org", role="professional")

    def answered(received, took, due, **fields):
        return make_inquiry(received_at=received, sent_at=received + dt.timedelta(days=took), status="sent",
                            due_date=due, **fields)

    a = answered(day(3, 2), 1, dt.date(2026, 3, 10), requester=parent, assignee=alice, channel="web")
    b = answered(day(3, 9), 3, dt.date(2026, 3, 12), requester=parent, assignee=alice, channel="email")
    c = answered(day(3, 20), 8, dt.date(2026, 3, 25), requester=doctor, assignee=bob, channel="web", language="es")
    d = answered(day(4, 1), 10, dt.date(2026, 4, 8), requester=doctor, assignee=alice, channel="web")
    e = make_inquiry(doctor, received_at=day(4, 20), status="drafting", assignee=bob, due_date=dt.date(2026, 5, 4))
    make_inquiry(parent, received_at=day(4, 30), due_date=dt.date(2026, 5, 14), channel="phone")
    make_inquiry(parent, received_at=day(5, 2), due_date=dt.date(2026, 5, 16))  # outside the period
    for inquiry in (a, b, c):
        inquiry.topics.add(sclero)
    c.topics.add(fabry)
    d.topics.add(fabry)
    e.topics.add(fabry)


def table(rows, dimension):
    return {r.group: (r.received, r.answered, r.median_days, r.p90_days, r.on_time_rate)
            for r in rows if r.dimension == dimension}


def test_it_computes_the_figures_by_hand(fixture):
    rows = report_rows(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert table(rows, "month") == {
        "2026-03": (3, 3, 3.0, 8.0, 0.667),  # 1, 3, 8: median rank 2 → 3 d; p90 rank 3 → 8 d
        "2026-04": (3, 1, 10.0, 10.0, 0.0),
    }
    assert table(rows, "specialist") == {
        "alice": (3, 3, 3.0, 10.0, 0.667),  # 1, 3, 10
        "bob": (2, 1, 8.0, 8.0, 0.0),
        "(unassigned)": (1, 0, None, None, None),
    }
    assert table(rows, "topic") == {
        "Fabry disease": (3, 2, 8.0, 10.0, 0.0),  # C and D (both late), E open
        "Scleromyxedema": (3, 3, 3.0, 8.0, 0.667),
        "(no topic)": (1, 0, None, None, None),
    }
    assert table(rows, "channel") == {
        "Web form": (4, 3, 8.0, 10.0, 0.333),  # A, C, D answered (1, 8, 10 d) and E open
        "Email": (1, 1, 3.0, 3.0, 1.0),
        "Phone": (1, 0, None, None, None),
    }
    assert table(rows, "role") == {
        "Parent or family member": (3, 2, 1.0, 3.0, 1.0),  # 1, 3: median rank 1
        "Health professional": (3, 2, 8.0, 10.0, 0.0),
    }
    assert table(rows, "language") == {"English": (5, 3, 3.0, 10.0, 0.667), "Español": (1, 1, 8.0, 8.0, 0.0)}


def test_it_reports_nothing_for_an_empty_period(fixture):
    assert report_rows(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []


PERIOD = "date_from=2026-03-01&date_to=2026-04-30"


def test_it_shows_the_report_to_a_supervisor(login, sam, fixture):
    response = login(sam).get(f"/desk/reports/?{PERIOD}")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<th scope="row">Scleromyxedema</th><td class="text-end">3</td><td class="text-end">3</td>' in body
    assert "<svg" in body and "2026-03: 3 received" in body
    assert 'href="/desk/reports/"' in body  # in the navigation bar


def test_it_defaults_to_the_last_twelve_months(login, sam):
    form = login(sam).get("/desk/reports/").context["form"]
    assert (form.cleaned_data["date_to"] - form.cleaned_data["date_from"]).days == 364


def test_it_refuses_a_period_that_ends_before_it_starts(login, sam):
    client = login(sam)
    response = client.get("/desk/reports/?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "order"
    assert b'id="report-errors"' in response.content
    assert client.get("/desk/reports/export.csv?date_from=2026-05-01&date_to=2026-04-01").status_code == 400


def test_it_keeps_reports_from_everyone_but_supervisors(client, login, alice, rita, lee):
    assert client.get("/desk/reports/")["Location"].startswith("/accounts/login/")
    for user in (alice, rita, lee):
        assert login(user).get("/desk/reports/").status_code == 403
        assert login(user).get("/desk/reports/export.csv").status_code == 403
    assert 'href="/desk/reports/"' not in login(alice).get("/desk/").content.decode()


def test_it_exports_csv_with_a_byte_order_mark(login, sam, fixture):
    response = login(sam).get(f"/desk/reports/export.csv?{PERIOD}")
    assert response["Content-Disposition"] == 'attachment; filename="report-20260301-20260430.csv"'
    content = response.content
    assert content.startswith(b"\xef\xbb\xbfdimension,group,received,answered,median_days,p90_days,on_time_rate\r\n")
    assert "role,Parent or family member,3,2,1.0,3.0,1.0" in content.decode("utf-8-sig")


def test_it_exports_the_same_figures_as_xlsx(login, sam, fixture):
    from openpyxl import load_workbook

    response = login(sam).get(f"/desk/reports/export.xlsx?{PERIOD}")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["dimension", "group", "received", "answered", "median_days", "p90_days", "on_time_rate"]
    assert ["specialist", "alice", 3, 3, 3, 10, 0.667] in rows
    assert len(rows) == 1 + len(report_rows(dt.date(2026, 3, 1), dt.date(2026, 4, 30)))


def test_it_answers_404_for_an_unknown_export_format(login, sam):
    assert login(sam).get(f"/desk/reports/export.pdf?{PERIOD}").status_code == 404


@pytest.mark.parametrize("n", [3, 60])
def test_it_runs_the_same_number_of_queries_at_any_size(login, sam, django_assert_num_queries, n):
    topic = Topic.objects.create(name="Scleromyxedema")
    requester = make_requester()
    for i in range(n):
        received = day(3, 1 + i % 28)
        inquiry = make_inquiry(requester, received_at=received, sent_at=received + dt.timedelta(days=i % 9 + 1),
                               status="sent", due_date=dt.date(2026, 3, 20), assignee=sam)
        inquiry.topics.add(topic)
    client = login(sam)
    # user, roles (the session is read from the cache; + the navigation bar's counts and unread
    # notifications on the page); 2 per dimension, 6 dimensions
    with django_assert_num_queries(4 + 2 * 6):
        client.get(f"/desk/reports/?{PERIOD}")
    with django_assert_num_queries(2 + 2 * 6):
        client.get(f"/desk/reports/export.csv?{PERIOD}")


def test_it_prints_the_same_figures_from_the_command_line(fixture):
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("desk_report", "--from", "2026-03-01", "--to", "2026-04-30", "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == [row.as_dict() for row in report_rows(dt.date(2026, 3, 1), dt.date(2026, 4, 30))]
    assert {"dimension": "specialist", "group": "bob", "received": 2, "answered": 1, "median_days": 8.0,
            "p90_days": 8.0, "on_time_rate": 0.0} in printed
    out = io.StringIO()
    call_command("desk_report", "--from", "2026-03-01", "--to", "2026-04-30", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "dimension,group,received,answered,median_days,p90_days,on_time_rate"
    assert "month,2026-03,3,3,3.0,8.0,0.667" in lines
    with pytest.raises(CommandError, match="ends before it starts"):
        call_command("desk_report", "--from", "2026-05-01", "--to", "2026-04-30")


def test_it_counts_an_answer_on_time_until_local_midnight_across_a_clock_change(settings, alice):
    """New York falls back on 1 November 2026 at 2:00: that day has 25 hours."""
    settings.TIME_ZONE = "America/New_York"
    requester = make_requester()
    received = dt.datetime(2026, 10, 26, 10, tzinfo=NY)
    for answered, due in [
        (dt.datetime(2026, 11, 1, 0, 30, tzinfo=NY), dt.date(2026, 10, 31)),  # before the change: late
        (dt.datetime(2026, 11, 1, 0, 30, tzinfo=NY), dt.date(2026, 11, 1)),  # on time
        (dt.datetime(2026, 11, 1, 23, 30, tzinfo=NY), dt.date(2026, 11, 1)),  # after the change: on time
        (dt.datetime(2026, 11, 2, 0, 30, tzinfo=NY), dt.date(2026, 11, 1)),  # late
    ]:
        make_inquiry(requester, received_at=received, sent_at=answered, status="sent", due_date=due, assignee=alice)
    # Received in the last and the first local hour of a month (in UTC both on 1 November).
    make_inquiry(requester, received_at=dt.datetime(2026, 10, 31, 23, 30, tzinfo=NY), due_date=dt.date(2026, 11, 13))
    make_inquiry(requester, received_at=dt.datetime(2026, 11, 1, 0, 30, tzinfo=NY), due_date=dt.date(2026, 11, 13))
    rows = report_rows(dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    # 5.6, 5.6, 6.6 and 6.6 days; on time: the two answered on their due date
    assert table(rows, "month") == {"2026-10": (5, 4, 5.6, 6.6, 0.5), "2026-11": (1, 0, None, None, None)}
