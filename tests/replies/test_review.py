from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse

from inquiries.models import Inquiry, InquiryEvent
from replies.composer.services import (
    ReplyError,
    reply_approve,
    reply_mark_ready,
    reply_return,
    reply_submit,
)
from replies.models import Reply

from .factories import make_reply


def review(client, reply, action, **data):
    return client.post(f"/desk/replies/{reply.pk}/review/{action}/", {"version": reply.version, **data})


def fresh(reply):
    reply.refresh_from_db()
    reply.inquiry.refresh_from_db()
    return reply


def test_it_goes_drafting_review_approved_and_the_inquiry_follows(alice, rita, login):
    reply = make_reply(alice)
    assert reply.inquiry.status == Inquiry.Status.DRAFTING
    r = review(login(alice), reply, "submit")
    assert r.status_code == 302
    reply = fresh(reply)
    assert (reply.status, reply.inquiry.status) == (Reply.Status.IN_REVIEW, Inquiry.Status.IN_REVIEW)
    review(login(rita), reply, "approve")
    reply = fresh(reply)
    assert (reply.status, reply.inquiry.status, reply.reviewer) == (Reply.Status.APPROVED, Inquiry.Status.READY, rita)
    actions = list(InquiryEvent.objects.filter(inquiry=reply.inquiry).values_list("action", flat=True))
    assert "reply.submitted" in actions and "reply.approved" in actions


def test_it_returns_with_a_comment(alice, rita, login):
    reply = make_reply(alice)
    reply_submit(reply=reply, version=1, by=alice)
    review(login(rita), reply, "return", comment="Add the treatment section.")
    reply = fresh(reply)
    assert (reply.status, reply.inquiry.status) == (Reply.Status.DRAFTING, Inquiry.Status.DRAFTING)
    assert reply.review_comment == "Add the treatment section."
    html = login(alice).get(reply.get_absolute_url()).content.decode()
    assert "Add the treatment section." in html
    event = InquiryEvent.objects.get(inquiry=reply.inquiry, action="reply.returned")
    assert event.note == "Add the treatment section."


def test_it_needs_a_comment_to_return(alice, rita, login):
    reply = make_reply(alice)
    reply_submit(reply=reply, version=1, by=alice)
    review(login(rita), reply, "return", comment="  ")
    assert fresh(reply).status == Reply.Status.IN_REVIEW


def test_it_refuses_self_approval(rita, login):
    reply = make_reply(rita)
    reply_submit(reply=reply, version=1, by=rita)
    with pytest.raises(ReplyError, match="wrote or changed this reply"):
        reply_approve(reply=reply, version=2, by=rita)
    review(login(rita), reply, "approve")
    reply = fresh(reply)
    assert (reply.status, reply.version) == (Reply.Status.IN_REVIEW, 2)
    assert reply.inquiry.status == Inquiry.Status.IN_REVIEW


def test_it_refuses_approval_by_a_non_reviewer(alice, bob, login):
    reply = make_reply(alice)
    reply_submit(reply=reply, version=1, by=alice)
    with pytest.raises(ReplyError):
        reply_approve(reply=reply, version=2, by=bob)
    with pytest.raises(ReplyError):
        reply_return(reply=reply, version=2, by=bob, comment="No.")
    review(login(bob), reply, "approve")
    assert fresh(reply).status == Reply.Status.IN_REVIEW


def test_it_refuses_approval_before_submission(alice, rita):
    reply = make_reply(alice)
    with pytest.raises(ReplyError):
        reply_approve(reply=reply, version=1, by=rita)
    assert fresh(reply).status == Reply.Status.DRAFTING


def test_it_refuses_to_submit_a_letter_with_an_unknown_reference(alice, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    block.body = "See [@nobody2020]."
    block.save()
    with pytest.raises(ReplyError, match="nobody2020"):
        reply_submit(reply=reply, version=1, by=alice)
    review(login(alice), reply, "submit")
    assert fresh(reply).status == Reply.Status.DRAFTING


def test_it_marks_ready_without_review_when_review_is_off(alice, bob, login, settings):
    settings.REPLY_REVIEW_REQUIRED = False
    reply = make_reply(alice)
    with pytest.raises(ReplyError):
        reply_submit(reply=reply, version=1, by=alice)
    with pytest.raises(ReplyError):
        reply_mark_ready(reply=reply, version=1, by=bob)
    review(login(alice), reply, "ready")
    reply = fresh(reply)
    assert (reply.status, reply.inquiry.status) == (Reply.Status.APPROVED, Inquiry.Status.READY)


def test_it_refuses_mark_ready_when_review_is_on(alice):
    reply = make_reply(alice)
    with pytest.raises(ReplyError, match="review"):
        reply_mark_ready(reply=reply, version=1, by=alice)


def test_it_reopens_an_approved_reply(alice, rita, login):
    reply = make_reply(alice)
    reply_submit(reply=reply, version=1, by=alice)
    reply_approve(reply=reply, version=2, by=rita)
    review(login(alice), reply, "reopen")
    reply = fresh(reply)
    assert (reply.status, reply.inquiry.status) == (Reply.Status.DRAFTING, Inquiry.Status.DRAFTING)


def test_it_offers_the_send_form_only_when_the_reply_may_be_sent(alice, rita, login, settings):
    reply = make_reply(alice)
    client = login(alice)
    assert "send-form" not in client.get(reply.get_absolute_url()).content.decode()
    reply_submit(reply=reply, version=1, by=alice)
    reply_approve(reply=reply, version=2, by=rita)
    html = client.get(reply.get_absolute_url()).content.decode()
    try:
        send_url = reverse("deliveries:send", args=[reply.pk])
    except NoReverseMatch:
        assert "send-form" not in html
    else:
        assert f'action="{send_url}"' in html


def test_it_refuses_review_actions_to_charlie_anonymous_and_get(alice, charlie, login, client):
    reply = make_reply(alice)
    assert review(client, reply, "submit").status_code == 302
    assert review(login(charlie), reply, "submit").status_code == 403
    assert login(alice).get(f"/desk/replies/{reply.pk}/review/submit/").status_code == 405
    assert review(login(alice), reply, "explode").status_code == 404
    assert fresh(reply).status == Reply.Status.DRAFTING


def test_it_asks_to_confirm_stale_sections_in_the_send_form(alice, rita, login, settings):
    try:
        reverse("deliveries:send", args=[1])
    except NoReverseMatch:
        pytest.skip("the delivery app is not installed")
    settings.LIBRARY_STALE_AFTER_DAYS = 365
    reply = make_reply(alice)
    reply.blocks.filter(kind="section").update(last_updated=date(2016, 9, 29))
    reply_submit(reply=reply, version=1, by=alice)
    reply_approve(reply=reply, version=2, by=rita)
    html = login(alice).get(reply.get_absolute_url()).content.decode()
    assert 'name="confirm_stale"' in html and "2 stale sections" in html
