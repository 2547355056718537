"""One of everything the desk shows, for walking the pages: small factories, real services."""

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from inquiries.models import Inquiry
from library.models import Reference, Section, StandardText, Topic

STANDARD_TEXTS = {
    "letterhead": "Genetic and Rare Diseases Information Center",
    "greeting": "Dear {requester_name},",
    "closing": "We hope this information is helpful.",
    "signature": "Warm regards,\nGARD Information Specialist",
    "disclaimer": "Please see our [Disclaimer](https://example.org/disclaimer).",
}


def make_library(*, topic_name: str = "Scleromyxedema", body_extra: str = "", heading: str = "") -> SimpleNamespace:
    topic = Topic.objects.create(name=topic_name, synonyms=[f"{topic_name}oid"])
    reference = Reference.objects.create(key=f"ref-{topic.pk}", text=f"Rongioletti F. {topic_name}. 2015.",
                                         url="https://example.org/ref")
    sections = []
    for kind, question in (("overview", "What is {}?"), ("cause", "What causes {}?"),
                           ("treatment", "How might {} be treated?")):
        sections.append(Section.objects.create(
            topic=topic, kind=kind, heading=heading or question.format(topic_name),
            body=f"{topic_name} is rare.[@{reference.key}] {body_extra}", status=Section.Status.PUBLISHED,
            last_updated=dt.date(2016, 9, 29),
        ))
    for section in sections:
        section.references.add(reference)
    texts = []
    for kind, body in STANDARD_TEXTS.items():
        text, _ = StandardText.objects.get_or_create(
            kind=kind, language="en", is_default=True, defaults={"name": f"Default {kind}", "body": body}
        )
        texts.append(text)
    return SimpleNamespace(topic=topic, reference=reference, sections=sections, standard_texts=texts)


def receive_inquiry(*, name: str = "Pat Doe", question: str = "", condition: str = "scleromyxedema",
                 assignee: User | None = None, attach: bool = False) -> Inquiry:
    from inquiries import services

    inquiry = services.inquiry_create(
        name=name,
        email="pat@example.org",
        question=question or "What causes scleromyxedema and how is it treated?",
        condition=condition,
        consent_to_keep=True,
        attachment=SimpleUploadedFile("letter.txt", b"The letter we received.", "text/plain") if attach else None,
        by=assignee,
    )
    if assignee is not None:
        inquiry = services.inquiry_take(inquiry=inquiry, by=assignee)
    return inquiry


def thanks_token(inquiry: Inquiry) -> str:
    from inquiries.views_public import THANKS_SALT

    return signing.dumps(inquiry.pk, salt=THANKS_SALT)

