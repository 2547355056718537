"""Factories for the replies tests: a reply drafted by the real service, on the shared factories."""

from inquiries.models import Inquiry
from replies.composer.services import reply_start
from replies.models import Reply
from tests.conftest import make_inquiry, make_reference, make_section, make_topic


def make_reply(author, *, sections: str = "all", inquiry: Inquiry | None = None, **inquiry_kw) -> Reply:
    if inquiry is None:
        topic = make_topic()
        make_section(topic, "overview", body="An overview.[@ref1]")
        make_section(topic, "cause", body="The cause.[@ref2][@ref1]")
        make_reference("ref1")
        make_reference("ref2")
        inquiry = make_inquiry(topics=[topic], assignee=author, **inquiry_kw)
    return reply_start(inquiry=inquiry, by=author, sections=sections)
