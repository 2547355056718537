from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from library.placeholders import validate_placeholders


class Topic(models.Model):
    """A disease or other subject that fact-sheet sections are about."""

    name = models.CharField(max_length=300)
    synonyms = models.JSONField(default=list, blank=True)
    gard_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    umls_cuis = models.JSONField(default=list, blank=True)
    orphanet_ids = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # updated_at: the name index checks max(updated_at) on every search (library/name_index.py).
        indexes = [models.Index(fields=["name"]), models.Index(fields=["updated_at"], name="library_topic_updated")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("library:topic", args=[self.pk])

    @property
    def all_names(self) -> list[str]:
        """The name first, then the synonyms, without repeats."""
        return list(dict.fromkeys([self.name, *(self.synonyms or [])]))


class Reference(models.Model):
    """One bibliography entry, cited from section bodies as [@key]."""

    key = models.SlugField(max_length=120, unique=True)
    text = models.TextField(help_text="The formatted citation, as printed in the reference list.")
    url = models.URLField(max_length=1000, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text[:120]


class SectionKind(models.TextChoices):
    # The order of the members is the canonical order of sections in a letter.
    OVERVIEW = "overview", "Overview"
    SYMPTOMS = "symptoms", "Signs and symptoms"
    CAUSE = "cause", "Cause"
    INHERITANCE = "inheritance", "Inheritance"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    TREATMENT = "treatment", "Treatment"
    PROGNOSIS = "prognosis", "Prognosis"
    OTHER = "other", "Other"


class SectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Section(models.Model):
    """One fact-sheet section of a topic, maintained on its own with its own date."""

    Kind = SectionKind
    Status = SectionStatus

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="sections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    heading = models.CharField(max_length=500)
    body = models.TextField(help_text="Markdown. Cite references as [@key].")
    references = models.ManyToManyField(Reference, blank=True, related_name="sections")
    last_updated = models.DateField(default=date.today)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[references])

    class Meta:
        ordering = ["topic__name", "kind", "id"]
        indexes = [models.Index(fields=["topic", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SectionKind.values), name="section_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SectionStatus.values), name="section_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic.name}: {self.heading}"

    @classmethod
    def kind_order(cls, kind: str) -> int:
        return list(cls.Kind.values).index(kind)

    @property
    def is_stale(self) -> bool:
        return is_stale(self.last_updated)


def stale_before() -> date:
    """Sections last updated before this date are stale."""
    return timezone.localdate() - timedelta(days=settings.LIBRARY_STALE_AFTER_DAYS)


def is_stale(last_updated: date) -> bool:
    return last_updated < stale_before()


class StandardText(models.Model):
    """A reusable text that wraps every letter: letterhead, greeting, closing, ..."""

    class Kind(models.TextChoices):
        # The order is the order in which the standard texts frame a letter.
        LETTERHEAD = "letterhead", "Letterhead"
        GREETING = "greeting", "Greeting"
        CLOSING = "closing", "Closing"
        SIGNATURE = "signature", "Signature"
        DISCLAIMER = "disclaimer", "Disclaimer"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    name = models.CharField(max_length=200, help_text="How editors tell this text from the others.")
    body = models.TextField(help_text="Markdown with placeholders such as {requester_name}.")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=models.Q(is_default=True),
                name="one_default_standard_text_per_kind_and_language",
            ),
            models.UniqueConstraint(fields=["kind", "language", "name"], name="standard_text_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}): {self.name}"

    def clean(self) -> None:
        try:
            validate_placeholders(self.body)
        except ValidationError as error:
            raise ValidationError({"body": error}) from None
