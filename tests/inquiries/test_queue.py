import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from inquiries.models import Inquiry
from library.models import Topic
from tests.conftest import make_inquiry, make_requester

pytestmark = pytest.mark.django_db
S = Inquiry.Status
# user, roles (the session is read from the cache), assignee choices, count, page, topics,
# saved filters, nav counts, unread
QUEUE_QUERIES = 9


def refs(response):
    return [inquiry.reference for inquiry in response.context["page"]]


def many(n, **fields):
    topic = Topic.objects.create(name=f"Topic {n}")
    requester = make_requester()
    for i in range(n):
        inquiry = make_inquiry(requester, received_at=timezone.now() - dt.timedelta(days=i), **fields)
        inquiry.topics.add(topic)


def test_it_lists_inquiries_by_due_date(login, alice):
    late = make_inquiry(received_at=timezone.now() - dt.timedelta(days=30))
    soon = make_inquiry()
    response = login(alice).get("/desk/inquiries/")
    assert response.status_code == 200
    assert refs(response) == [late.reference, soon.reference]
    assert b"table-danger" in response.content  # the overdue row stands out
    assert b"Overdue" in response.content


def test_it_shows_each_row_with_its_link_status_and_topics(login, alice):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    inquiry.topics.add(Topic.objects.create(name="Fabry <disease>"), Topic.objects.create(name="Alport syndrome"))
    html = login(alice).get("/desk/inquiries/").content.decode()
    assert f'<a href="/desk/inquiries/{inquiry.pk}/">{inquiry.reference}</a>' in html
    assert ">Assigned</span>" in html
    assert "<td>Alport syndrome, Fabry &lt;disease&gt;</td>" in html


def test_it_shows_the_start_of_a_long_question_and_the_dates_of_the_row(login, alice):
    received = dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)  # 1 March, 22:30 in New York
    long = make_inquiry(question="Why <" + "x" * 200, received_at=received, due_date=dt.date(2026, 3, 16))
    short = make_inquiry(question="Is it inherited?")
    html = login(alice).get("/desk/inquiries/").content.decode()
    row = html.split(f">{long.reference}</a>", 1)[1].split("</tr>", 1)[0]
    assert "<td>Why &lt;" + "x" * 84 + "…</td>" in row  # 90 characters with the ellipsis
    assert "<td>2026-03-01</td>" in row  # the day it arrived in the center's time zone
    assert '<span class="overdue">2026-03-16 <span class="badge text-bg-danger">Overdue</span>' in row
    assert "<td>Is it inherited?</td>" in html.split(f">{short.reference}</a>", 1)[1].split("</tr>", 1)[0]


def test_it_keeps_the_chosen_filters_selected(login, alice):
    html = login(alice).get(f"/desk/inquiries/?view=mine&status=new&assignee={alice.pk}&channel=phone&o=-due")
    html = html.content.decode()
    for name, value in [("view", "mine"), ("status", "new"), ("assignee", alice.pk), ("channel", "phone"),
                        ("o", "-due")]:
        select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{value}" selected>' in select
        assert select.count(" selected") == 1
    assert '<select name="status" class="form-select" id="id_status">' in html
    html = login(alice).get("/desk/inquiries/?assignee=null").content.decode()
    assignee = html.split('<select name="assignee"', 1)[1].split("</select>", 1)[0]
    assert '<option value="null" selected>Unassigned</option>' in assignee
    assert f'<option value="{alice.pk}">{alice.username}</option>' in assignee


@pytest.mark.parametrize("rows", [3, 60])
def test_it_runs_a_fixed_number_of_queries(login, alice, django_assert_num_queries, rows):
    many(rows, assignee=alice, status=S.ASSIGNED)
    client = login(alice)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get("/desk/inquiries/?per_page=100")
    assert len(response.context["page"]) == rows


def test_it_filters_by_status_assignee_channel_and_overdue(login, alice, bob):
    mine = make_inquiry(status=S.ASSIGNED, assignee=alice, channel="phone")
    theirs = make_inquiry(status=S.ASSIGNED, assignee=bob)
    new = make_inquiry()
    old = make_inquiry(received_at=timezone.now() - dt.timedelta(days=40))
    done = make_inquiry(status=S.SENT, received_at=timezone.now() - dt.timedelta(days=40))
    client = login(alice)
    assert set(refs(client.get(f"/desk/inquiries/?assignee={alice.pk}"))) == {mine.reference}
    assert set(refs(client.get("/desk/inquiries/?assignee=null"))) == {new.reference, old.reference}
    assert set(refs(client.get("/desk/inquiries/?assignee=null&status="))) == {
        new.reference,
        old.reference,
        done.reference,
    }
    assert set(refs(client.get("/desk/inquiries/?channel=phone"))) == {mine.reference}
    assert set(refs(client.get("/desk/inquiries/?status=new"))) == {new.reference, old.reference}
    assert done.reference not in refs(client.get("/desk/inquiries/?status=open"))
    assert refs(client.get("/desk/inquiries/?overdue=on")) == [old.reference]
    assert theirs.reference in refs(client.get("/desk/inquiries/"))
    assert done.reference not in refs(client.get("/desk/inquiries/"))  # open ones unless asked


def test_it_filters_by_topic_and_received_dates(login, alice):
    topic = Topic.objects.create(name="Scleromyxedema")
    linked = make_inquiry(received_at=timezone.now() - dt.timedelta(days=3))
    linked.topics.add(topic)
    other = make_inquiry(received_at=timezone.now() - dt.timedelta(days=20))
    client = login(alice)
    assert refs(client.get("/desk/inquiries/?topic=scleromyx")) == [linked.reference]
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    until = (timezone.localdate() - dt.timedelta(days=15)).isoformat()
    assert refs(client.get(f"/desk/inquiries/?received_after={since}")) == [linked.reference]
    assert refs(client.get(f"/desk/inquiries/?received_before={until}")) == [other.reference]


def test_it_searches_reference_requester_and_question(login, alice):
    a = make_inquiry(
        make_requester(name="Maria Lopez", email="maria@example.org"), question="About Fabry disease, please?"
    )
    b = make_inquiry(
        make_requester(name="John Smith", email="js@clinic.example"), question="Is Pompe disease inherited?"
    )
    client = login(alice)
    assert refs(client.get("/desk/inquiries/?q=lopez")) == [a.reference]
    assert refs(client.get("/desk/inquiries/?q=clinic.example")) == [b.reference]
    assert refs(client.get("/desk/inquiries/?q=pompe")) == [b.reference]
    assert refs(client.get(f"/desk/inquiries/?q={a.reference}")) == [a.reference]


def test_it_sorts_and_paginates(login, alice):
    many(30)
    client = login(alice)
    first = client.get("/desk/inquiries/?per_page=25")
    second = client.get("/desk/inquiries/?per_page=25&page=2")
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5
    newest_first = refs(client.get("/desk/inquiries/?o=-received&per_page=25"))
    received = list(Inquiry.objects.order_by("-received_at").values_list("reference", flat=True)[:25])
    assert newest_first == received


def test_it_exports_the_filtered_list_as_csv(login, alice):
    topic = Topic.objects.create(name="Scleromyxedema")
    phone = make_inquiry(make_requester(name='Ann, "the" caller'), channel="phone")
    phone.topics.add(topic)
    make_inquiry(channel="web")
    response = login(alice).get("/desk/inquiries/export.csv?channel=phone")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["reference"] == phone.reference
    assert rows[0]["requester_name"] == 'Ann, "the" caller'
    assert rows[0]["topics"] == "Scleromyxedema"


def test_it_starts_the_csv_with_a_byte_order_mark_so_excel_reads_utf8(login, alice):
    make_inquiry(make_requester(name="Ana Gutiérrez"))
    content = b"".join(login(alice).get("/desk/inquiries/export.csv").streaming_content)
    assert content.startswith(b"\xef\xbb\xbfreference,")
    assert "Ana Gutiérrez".encode() in content


def test_it_refuses_the_queue_to_anonymous_and_roleless_users(client, login, charlie):
    assert client.get("/desk/inquiries/")["Location"].startswith("/accounts/login/")
    assert client.get("/desk/inquiries/export.csv")["Location"].startswith("/accounts/login/")
    assert login(charlie).get("/desk/inquiries/").status_code == 403
    assert login(charlie).get("/desk/inquiries/export.csv").status_code == 403


def test_it_refuses_post_on_the_queue(login, alice):
    assert login(alice).post("/desk/inquiries/").status_code == 405
