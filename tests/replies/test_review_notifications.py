"""The author hears of the review: returned and approved replies notify them (the bell)."""

import pytest

from inquiries.models import Notification
from replies.composer.services import reply_approve, reply_return, reply_submit

from .factories import make_reply

pytestmark = pytest.mark.django_db


def test_it_tells_the_author_their_reply_was_returned_then_approved(alice, rita):
    reply = make_reply(alice)
    reply_submit(reply=reply, version=1, by=alice)
    reply_return(reply=reply, version=2, by=rita, comment="Add the treatment section.")
    reply_submit(reply=reply, version=3, by=alice)
    reply_approve(reply=reply, version=4, by=rita)
    told = list(Notification.objects.order_by("id").values_list("recipient__username", "kind", "event__action"))
    assert told == [("alice", "returned", "reply.returned"), ("alice", "approved", "reply.approved")]
