"""Small factories for library rows."""

from datetime import date

from library.models import Reference, Section, StandardText, Topic


def make_topic(name: str = "Scleromyxedema", **fields) -> Topic:
    return Topic.objects.create(name=name, **fields)


def make_reference(key: str = "koronowska2013", text: str = "Koronowska SK. Scleromyxedema. 2013.", **fields):
    return Reference.objects.create(key=key, text=text, **fields)


def make_section(topic: Topic | None = None, kind: str = "overview", heading: str = "", body: str = "Text.",
                 status: str = Section.Status.PUBLISHED, last_updated: date | None = date(2016, 9, 29),
                 language: str = "en") -> Section:
    topic = topic or make_topic()
    heading = heading or f"{kind} of {topic.name}?"
    return Section.objects.create(topic=topic, kind=kind, heading=heading, body=body, status=status,
                                  last_updated=last_updated, language=language)


def make_standard_text(kind: str = "closing", body: str = "We hope this helps.", language: str = "en",
                       name: str = "Standard", is_default: bool = False) -> StandardText:
    return StandardText.objects.create(kind=kind, body=body, language=language, name=name, is_default=is_default)
