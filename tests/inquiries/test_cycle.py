"""The whole cycle through the web pages: ask, find it in the queue, take it, move it, read the timeline."""

import time

import pytest

from inquiries.forms import fill_token
from inquiries.models import Inquiry
from inquiries.workflow import inquiry_transition

pytestmark = pytest.mark.django_db
S = Inquiry.Status


def test_it_goes_from_the_public_form_to_closed(client, login, alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ask/",
            {
                "name": "Pat Doe",
                "email": "pat@example.org",
                "role": "patient",
                "language": "en",
                "question": "What causes scleromyxedema and how is it treated?",
                "started": fill_token(time.time() - 30),
            },
        )
    reference = client.get(response["Location"]).context["inquiry"].reference
    assert reference in mailoutbox[0].subject

    desk = login(alice)
    queue = desk.get(f"/desk/inquiries/?q={reference}")
    inquiry = queue.context["page"][0]
    assert inquiry.reference == reference
    detail = f"/desk/inquiries/{inquiry.pk}/"

    desk.post(f"{detail}take/")
    desk.post(f"{detail}move/", {"to": S.WAITING, "note": "Asked which medicines she takes."})
    desk.post(f"{detail}move/", {"to": S.ASSIGNED})
    # Drafting, review, ready and sent are the reply composer's moves (the replies app).
    for to in (S.DRAFTING, S.IN_REVIEW, S.READY, S.SENT):
        inquiry_transition(inquiry=Inquiry.objects.get(), to=to, by=alice)
    desk.post(f"{detail}move/", {"to": S.CLOSED})
    desk.post(f"{detail}note/", {"note": "Requester phoned to say thanks."})

    page = desk.get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    timeline = body[body.index('id="timeline"') :]
    for action in (
        "inquiry.created",
        "inquiry.assigned",
        "inquiry.drafting",
        "inquiry.in_review",
        "inquiry.ready",
        "inquiry.sent",
        "inquiry.closed",
        "inquiry.note",
    ):
        assert action in timeline
    assert "Reopen" in body
    assert Inquiry.objects.get().status == S.CLOSED
