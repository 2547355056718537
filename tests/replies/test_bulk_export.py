"""Printing in bulk: approved and sent replies into one ZIP of PDFs, rendered by the worker."""

import io
import zipfile

import pytest
from django.urls import reverse

from replies.models import BulkExport, Reply
from replies.outbox import bulk_render
from tests.conftest import make_inquiry

from .delivery_factories import small_reply


@pytest.fixture
def three_replies(alice):
    first = small_reply(alice)
    inquiry_of = first.inquiry.topics.first()
    others = [
        small_reply(alice, inquiry=make_inquiry(topics=[inquiry_of], assignee=alice), status=status)
        for status in (Reply.Status.SENT, Reply.Status.APPROVED)
    ]
    return [first, *others]


def pdf_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
    return names


def test_it_lists_printable_replies_only(alice, login, three_replies):
    draft = small_reply(alice, inquiry=make_inquiry(assignee=alice), status=Reply.Status.DRAFTING)
    page = login(alice).get(reverse("deliveries:bulk"))
    assert page.status_code == 200
    shown = {reply.pk for reply in page.context["page"]}
    assert shown == {reply.pk for reply in three_replies} and draft.pk not in shown


def test_it_renders_the_selection_into_one_zip(alice, login, three_replies, django_capture_on_commit_callbacks):
    client = login(alice)
    ids = [reply.pk for reply in three_replies[:2]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deliveries:bulk"), {"reply": ids})
    job = BulkExport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == BulkExport.Status.DONE and (job.done, job.total) == (2, 2)
    progress = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"2 of 2" in progress.content and b"hx-trigger" not in progress.content  # polling stops when done
    download = client.get(reverse("deliveries:bulk_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    assert pdf_names(download.content) == [f"{r.inquiry.reference}-reply-{r.pk}.pdf" for r in three_replies[:2]]


def test_it_polls_while_rendering(alice, login):
    job = BulkExport.objects.create(created_by=alice, reply_ids=[1, 2], total=2, done=1, status="running")
    page = login(alice).get(job.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content and b'<progress max="2" value="1"' in page.content
    assert b'http-equiv="refresh"' in page.content  # without JavaScript, too
    assert login(alice).get(reverse("deliveries:bulk_download", args=[job.pk])).status_code == 404


def test_it_refuses_drafts_and_empty_selections(alice, login):
    draft = small_reply(alice, status=Reply.Status.DRAFTING)
    client = login(alice)
    assert client.post(reverse("deliveries:bulk"), {"reply": [draft.pk]}).status_code == 200
    assert client.post(reverse("deliveries:bulk"), {}).status_code == 200
    assert not BulkExport.objects.exists()


@pytest.mark.parametrize("user", ["charlie", "lee"])
def test_it_forbids_people_without_a_sending_role(user, request, login):
    assert login(request.getfixturevalue(user)).get(reverse("deliveries:bulk")).status_code == 403


def test_it_uses_a_process_pool_for_many_letters(alice, three_replies, monkeypatch):
    monkeypatch.setattr(bulk_render, "POOL_MIN_LETTERS", 2)
    ids = [reply.pk for reply in three_replies]
    job = BulkExport.objects.create(created_by=alice, reply_ids=ids, total=3)
    bulk_render.bulk_export_run(export_id=job.pk, workers=2)
    job.refresh_from_db()
    assert job.status == BulkExport.Status.DONE, job.error
    assert len(pdf_names(bytes(job.zip))) == 3
