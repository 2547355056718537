"""Writes to the library that follow a rule: a section's date and its citations."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lib.markup import citation_keys
from library.models import Reference, Section

REVIEWED = "Marked reviewed"


def references_for(body: str) -> list[Reference]:
    """The references a body cites, in order; ValidationError (code unknown_reference) for unknown keys."""
    keys = citation_keys(body)
    found = {ref.key: ref for ref in Reference.objects.filter(key__in=keys)}
    missing = [key for key in keys if key not in found]
    if missing:
        raise ValidationError(
            "The body cites unknown references: %(keys)s.",
            code="unknown_reference",
            params={"keys": ", ".join(f"[@{key}]" for key in missing)},
        )
    return [found[key] for key in keys]


def section_create(*, topic, by: AbstractBaseUser | None, kind: str, heading: str, body: str,
                   status: str = Section.Status.DRAFT, last_updated=None, language: str = "") -> Section:
    """A section written by an editor: its content is reviewed today unless a date is given."""
    with transaction.atomic():
        references = references_for(body)
        section = Section(topic=topic, kind=kind, heading=heading, body=body, status=status,
                          last_updated=last_updated or timezone.localdate(), language=language or topic.language)
        section._history_user = by
        section.full_clean()
        section.save()
        section.references.set(references)
    return section


def section_mark_reviewed(*, section: Section, by: AbstractBaseUser) -> Section:
    """An editor checked the content: last_updated becomes today; the history row says who and when."""
    with transaction.atomic():
        locked = Section.objects.select_for_update().get(pk=section.pk)
        locked.last_updated = timezone.localdate()
        locked._history_user = by
        locked._change_reason = REVIEWED
        locked.save(update_fields=["last_updated", "updated_at"])
    return locked


def sections_record_use(section_ids: list[int]) -> None:
    """Count one more letter for each section (the review list shows the most-used first)."""
    Section.objects.filter(pk__in=section_ids).update(times_used=F("times_used") + 1)


def section_update(*, section: Section, by: AbstractBaseUser | None, heading: str, body: str,
                   keep_date: bool = False, status: str | None = None, kind: str | None = None,
                   topic=None, language: str | None = None) -> Section:
    """Edit a section. A new body moves last_updated to today, unless keep_date (a typo fix)."""
    with transaction.atomic():
        # Lock: two editors saving at once must not lose one citation sync or date move.
        locked = Section.objects.select_for_update().get(pk=section.pk)
        references = references_for(body)
        changed = []
        if heading != locked.heading:
            locked.heading = heading
            changed.append("heading")
        if body != locked.body:
            locked.body = body
            changed.append("body")
            if not keep_date and locked.last_updated != timezone.localdate():
                locked.last_updated = timezone.localdate()
                changed.append("last_updated")
        for name, value in (("status", status), ("kind", kind), ("topic", topic), ("language", language)):
            if value is not None and value != getattr(locked, name):
                setattr(locked, name, value)
                changed.append(name)
        if changed:
            locked._history_user = by
            locked.full_clean()
            locked.save(update_fields=[*changed, "updated_at"])
        if {ref.pk for ref in references} != set(locked.references.values_list("pk", flat=True)):
            locked.references.set(references)
    return locked
