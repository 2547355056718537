"""Factories for the delivery, PDF, email and export tests: the example letter, ready to send."""

import io

from django.core.management import call_command

from library.models import Topic
from replies.models import Reply
from tests.conftest import EXAMPLE_LETTER, make_inquiry

from .factories import make_reply


def import_example() -> Topic:
    call_command("import_gard", str(EXAMPLE_LETTER), stdout=io.StringIO())
    return Topic.objects.get(name="Scleromyxedema")


def example_reply(author, *, status: str = Reply.Status.APPROVED, name: str = "Jane Doe", email: str = "") -> Reply:
    """The example letter as a reply of `author`, in `status` (approved: ready to send)."""
    topic = Topic.objects.filter(name="Scleromyxedema").first() or import_example()
    inquiry = make_inquiry(topics=[topic], assignee=author, name=name)
    if email:
        inquiry.requester.email = email
        inquiry.requester.save(update_fields=["email"])
    reply = make_reply(author, inquiry=inquiry, sections="all")
    return set_status(reply, status)


def set_status(reply: Reply, status: str) -> Reply:
    Reply.objects.filter(pk=reply.pk).update(status=status)
    reply.refresh_from_db()
    return reply


def small_reply(author, *, status: str = Reply.Status.APPROVED, **kw) -> Reply:
    """A short letter with two cited references: cheap to render."""
    return set_status(make_reply(author, **kw), status)
