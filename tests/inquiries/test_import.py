import json

import pytest
from django.core.management import CommandError, call_command

from inquiries.importing import check_file
from inquiries.models import Inquiry, InquiryEvent, Requester
from library.models import Topic
from tests.conftest import make_requester

pytestmark = pytest.mark.django_db
GOOD_CSV = """name,email,question,received_at,channel,topic,status
Pat Doe,pat@example.org,What causes scleromyxedema?,2025-03-04T10:00:00,email,Scleromyxedema,
"Lopez, Maria",maria@example.org,"Is Pompe disease inherited?
She asks on two lines.",2025-03-05,phone,,closed
Pat Doe,PAT@example.org,And how is it treated?,2024-12-30T09:00:00+00:00,web,scleromyxedema;Pompe disease,new
"""


def run(tmp_path, content, name="inquiries.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    call_command("import_inquiries", str(path), stdout=Sink(out), stderr=Sink(err))
    return "".join(out), "".join(err)


@pytest.fixture
def topics(db):
    return Topic.objects.create(name="Scleromyxedema"), Topic.objects.create(name="Pompe disease")


def test_it_imports_a_good_csv_file(tmp_path, topics):
    known = make_requester(name="Pat", email="pat@example.org")
    out, err = run(tmp_path, GOOD_CSV)
    ids = [int(line) for line in out.split()]
    assert len(ids) == 3
    inquiries = Inquiry.objects.in_bulk(ids)
    first, second, third = (inquiries[i] for i in ids)
    assert first.requester == known and third.requester == known
    assert second.requester.name == "Lopez, Maria"
    assert second.question == "Is Pompe disease inherited?\nShe asks on two lines."
    assert (second.status, second.closed_at is not None) == ("closed", True)
    assert list(first.topics.all()) == [topics[0]]
    assert set(third.topics.all()) == set(topics)
    assert first.reference.startswith("RD-2025-") and third.reference.startswith("RD-2024-")
    assert first.reference != second.reference
    assert first.due_date.isoformat() == "2025-03-18"
    assert InquiryEvent.objects.filter(action="inquiry.created").count() == 3
    assert Requester.objects.count() == 2


def test_it_imports_json_lines(tmp_path):
    lines = [
        {"name": "Ann", "email": "", "question": "Q one?", "received_at": "2025-01-02", "channel": "letter"},
        {
            "name": "Bo",
            "email": "bo@example.org",
            "question": "Q two?",
            "received_at": "2025-01-03T08:00",
            "channel": "import",
            "status": "sent",
            "sent_at": "2025-01-10T08:00",
        },
    ]
    out, _ = run(tmp_path, "\n".join(json.dumps(x) for x in lines) + "\n\n", "old.jsonl")
    ids = [int(line) for line in out.split()]
    assert [Inquiry.objects.get(pk=i).requester.name for i in ids] == ["Ann", "Bo"]
    assert Inquiry.objects.get(pk=ids[1]).sent_at is not None


def test_it_reports_every_bad_row_and_imports_nothing(tmp_path, topics):
    content = (
        GOOD_CSV
        + "\n".join(
            [
                ",x@example.org,Question?,2025-01-01,web,,",
                "Ann,not-an-email,Question?,2025-01-01,web,,",
                "Ann,a@example.org,,2025-01-01,web,,",
                "Ann,a@example.org,Question?,yesterday,web,,",
                "Ann,a@example.org,Question?,2099-01-01,web,,",
                "Ann,a@example.org,Question?,2025-01-01,fax,,",
                "Ann,a@example.org,Question?,2025-01-01,web,Unknown topic,",
                "Ann,a@example.org,Question?,2025-01-01,web,,drafting",
                "Ann,a@example.org,Question?,2025-01-01,web,,,extra",
            ]
        )
        + "\n"
    )
    with pytest.raises(CommandError, match="9 bad row"):
        run(tmp_path, content)
    assert not Inquiry.objects.exists()
    assert not InquiryEvent.objects.exists()


def test_it_names_the_line_and_the_reason(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"name": "Ann", "email": "a@example.org", "question": "Q?", "received_at": "2025-01-01", "channel": "web"}\n'
        "{broken\n"
        '{"name": "Ann", "email": "bad", "question": "Q?", "received_at": "2025-01-01", "channel": "web"}\n'
    )
    with pytest.raises(CommandError):
        call_command("import_inquiries", str(path))
    err = capsys.readouterr().err
    assert f"{path}:2: not valid JSON" in err
    assert f"{path}:3: email: not a valid address" in err
    assert ":1:" not in err
    assert not Inquiry.objects.exists()


def test_it_reports_the_first_line_of_a_multi_line_row(tmp_path, capsys):
    path = tmp_path / "multi.csv"
    path.write_text(
        "name,email,question,received_at,channel\n"
        'Ann,a@example.org,"Two\nlines",2025-01-01,web\n'
        "Bo,bad-email,Q?,2025-01-01,web\n"
    )
    with pytest.raises(CommandError):
        call_command("import_inquiries", str(path))
    assert f"{path}:4: email" in capsys.readouterr().err


def test_it_reports_missing_columns(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, "name,question\nAnn,Q?\n")
    assert not Inquiry.objects.exists()


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_inquiries", str(tmp_path / "nothing.csv"))


def test_it_imports_a_postal_address(tmp_path, db):
    record = {
        "name": "Ruth Brown",
        "email": "",
        "question": "Is Pompe disease inherited?",
        "received_at": "2025-03-04",
        "channel": "letter",
        "postal_address": " 12 Elm Street\n\nSpringfield, IL 62704 ",
    }
    out, err = run(tmp_path, json.dumps(record) + "\n", name="inquiries.jsonl")
    inquiry = Inquiry.objects.get(pk=int(out.split()[0]))
    assert inquiry.requester.postal_address == "12 Elm Street\nSpringfield, IL 62704"


def test_it_refuses_a_postal_address_of_too_many_lines(tmp_path, db):
    address = "\n".join(f"line {n}" for n in range(1, 7))
    content = f'name,email,question,received_at,channel,postal_address\nRuth,,Why?,2025-03-04,letter,"{address}"\n'
    path = tmp_path / "inquiries.csv"
    path.write_text(content, encoding="utf-8")
    assert [(line, reason.split(":")[0]) for line, reason in check_file(path)[1]] == [(2, "postal_address")]
    with pytest.raises(CommandError):
        run(tmp_path, content)
    assert not Requester.objects.exists() and not Inquiry.objects.exists()


WAITING_CSV = """name,email,question,received_at,channel,status,waiting_since
Ann Lee,ann@example.org,Is Fabry disease inherited?,2025-03-04T10:00:00+00:00,email,waiting,2025-03-10T09:00:00+00:00
Bo Kim,bo@example.org,What is Pompe disease?,2025-03-05T10:00:00+00:00,web,waiting,
Cy Day,cy@example.org,What is scleromyxedema?,2025-03-05T10:00:00+00:00,web,new,
"""


def test_it_starts_the_wait_of_an_imported_waiting_inquiry(tmp_path, settings, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine

    from inquiries.deadlines import desk_tick

    settings.INQUIRY_WAITING_REMINDER_DAYS = 3
    settings.INQUIRY_WAITING_CLOSE_DAYS = 10
    imported_at = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(imported_at, tick=False):
        out, _ = run(tmp_path, WAITING_CSV)
    dated, undated, new = (Inquiry.objects.get(pk=int(pk)) for pk in out.split())
    assert dated.waiting_since == dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
    assert undated.waiting_since == imported_at
    assert new.waiting_since is None
    # The old system's date is long past: closed at the first tick. The import's own date: reminded after 3 days.
    with time_machine.travel(imported_at + dt.timedelta(days=3), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        result = desk_tick()
    assert (result.closed, result.reminded) == (1, 1)
    assert Inquiry.objects.get(pk=dated.pk).status == Inquiry.Status.CLOSED_WITHOUT_REPLY
    assert Inquiry.objects.get(pk=undated.pk).requester_reminded_at is not None


def test_it_refuses_a_waiting_start_that_does_not_fit(tmp_path, db):
    content = """name,email,question,received_at,channel,status,waiting_since
Ann,,Why?,2025-03-04,letter,new,2025-03-05
Bo,,Why?,2025-03-04,letter,waiting,2025-03-01
"""
    path = tmp_path / "inquiries.csv"
    path.write_text(content, encoding="utf-8")
    assert check_file(path)[1] == [
        (2, "waiting_since: only for status 'waiting'"),
        (3, "waiting_since: before received_at"),
    ]
