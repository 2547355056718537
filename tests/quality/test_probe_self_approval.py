"""Probe finding 2: a reviewer could approve a letter they helped write.

reply_approve checked only the author. Now every change of the letter (a block added, edited,
moved, removed; the title; the submission) makes its maker a contributor, and no contributor
can approve: through the page (no button, a reason) or a forged POST (refused, nothing moves).
"""

import pytest

from lib import roles
from replies.models import Reply
from tests.conftest import make_user
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def vic(db):
    """A reviewer who never touched the letter."""
    return make_user("vic", roles.REVIEWER)


def block_of(reply, kind="section"):
    return reply.blocks.filter(kind=kind).order_by("position").first()


CHANGES = {
    "title": lambda reply: ("title/", {"title": "A better title for this letter"}),
    "custom block": lambda reply: ("add/custom/", {"body": "One more paragraph from the reviewer."}),
    "block edit": lambda reply: (f"blocks/{block_of(reply).pk}/edit/", {"heading": "", "body": "Reworded."}),
    "block move": lambda reply: (f"blocks/{block_of(reply).pk}/move/", {"direction": "down"}),
    "block removal": lambda reply: (f"blocks/{block_of(reply).pk}/remove/", {}),
}


def post(client, reply, path, data):
    reply.refresh_from_db()
    return client.post(f"/desk/replies/{reply.pk}/{path}", {"version": reply.version, **data})


@pytest.mark.parametrize("change", CHANGES)
def test_it_refuses_approval_by_a_reviewer_who_changed_the_letter(alice, rita, vic, login, change):
    reply = make_reply(alice)
    path, data = CHANGES[change](reply)
    assert post(login(rita), reply, path, data).status_code == 302  # rita (a reviewer) edits
    reply.refresh_from_db()
    assert set(reply.contributors.values_list("username", flat=True)) == {"alice", "rita"}
    post(login(alice), reply, "review/submit/", {})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.IN_REVIEW

    rita_desk = login(rita)
    page = rita_desk.get(f"/desk/replies/{reply.pk}/").content.decode()
    assert "/review/approve/" not in page
    assert "you cannot approve it" in page
    response = post(rita_desk, reply, "review/approve/", {})  # forged: refused with the reason
    reply.refresh_from_db()
    assert reply.status == Reply.Status.IN_REVIEW and reply.reviewer is None
    assert "you cannot approve it" in rita_desk.get(response["Location"]).content.decode()

    post(login(vic), reply, "review/approve/", {})
    reply.refresh_from_db()
    assert (reply.status, reply.reviewer) == (Reply.Status.APPROVED, vic)


def test_it_counts_the_submitter_as_a_contributor(alice, rita, vic, login):
    reply = make_reply(alice)
    post(login(rita), reply, "review/submit/", {})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.IN_REVIEW
    post(login(rita), reply, "review/approve/", {})
    reply.refresh_from_db()
    assert reply.status == Reply.Status.IN_REVIEW
