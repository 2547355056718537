"""Small factories for the replies tests: a library, an inquiry, a reply."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from inquiries.models import Inquiry, Requester
from library.models import Reference, Section, StandardText, Topic
from replies.composer.services import reply_start
from replies.models import Reply

_numbers = itertools.count(1)


def make_topic(name: str = "Scleromyxedema") -> Topic:
    return Topic.objects.create(name=name)


def make_reference(key: str, text: str = "") -> Reference:
    return Reference.objects.create(key=key, text=text or f"Author {key}. A paper. 2020.")


def make_section(topic: Topic, kind: str = "overview", *, heading: str = "", body: str = "Text.",
                 last_updated: date | None = None, status: str = Section.Status.PUBLISHED) -> Section:
    return Section.objects.create(
        topic=topic, kind=kind, heading=heading or f"{kind.title()} of {topic.name}", body=body,
        last_updated=last_updated or timezone.localdate(), status=status,
    )


def make_standard_texts(language: str = "en") -> dict[str, StandardText]:
    bodies = {
        "letterhead": "The Information Center",
        "greeting": "Dear {requester_name},",
        "closing": "We hope this information is helpful.",
        "signature": "Warm regards,\nInformation Specialist",
        "disclaimer": "Please see our Disclaimer.",
    }
    return {
        kind: StandardText.objects.create(kind=kind, language=language, name=f"Default {kind}", body=body,
                                          is_default=True)
        for kind, body in bodies.items()
    }


def make_inquiry(question: str = "What causes scleromyxedema and how is it treated?", *, topics=(),
                 status: str = Inquiry.Status.ASSIGNED, assignee=None, name: str = "Jane Doe") -> Inquiry:
    requester = Requester.objects.create(name=name, email="jane@example.org")
    inquiry = Inquiry.objects.create(
        reference=f"T-{next(_numbers):05d}", requester=requester, question=question, status=status,
        assignee=assignee, due_date=timezone.localdate() + timedelta(days=10),
    )
    inquiry.topics.set(topics)
    return inquiry


def make_reply(author, *, sections: str = "all", inquiry: Inquiry | None = None, **inquiry_kw) -> Reply:
    if inquiry is None:
        topic = make_topic()
        make_section(topic, "overview", body="An overview.[@ref1]")
        make_section(topic, "cause", body="The cause.[@ref2][@ref1]")
        make_reference("ref1")
        make_reference("ref2")
        inquiry = make_inquiry(topics=[topic], assignee=author, **inquiry_kw)
    return reply_start(inquiry=inquiry, by=author, sections=sections)
