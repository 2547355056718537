import base64
import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lib.markup import validate_markdown
from library.placeholders import validate_placeholders


def default_language() -> str:
    return settings.LANGUAGE_CODE


class Topic(models.Model):
    """A disease or other subject that fact-sheet sections are about."""

    name = models.CharField(max_length=300)
    # The language of `name`; the letter's language may have its own name in `names`.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=default_language)
    names = models.JSONField(default=dict, blank=True,
                             help_text='The name in other languages, e.g. {"es": "Escleromixedema"}.')
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

    def name_in(self, language: str) -> str:
        """The topic's name in that language, else its own name."""
        return (self.names or {}).get(language) or self.name

    @property
    def all_names(self) -> list[str]:
        """The name first, then the synonyms, then the names in other languages, without repeats."""
        return list(dict.fromkeys([self.name, *(self.synonyms or []), *(self.names or {}).values()]))


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
    FREQUENCY = "frequency", "Frequency"
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
    body = models.TextField(help_text="Markdown. Cite references as [@key].", validators=[validate_markdown])
    references = models.ManyToManyField(Reference, blank=True, related_name="sections")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=default_language)
    # The date the content was last reviewed; None when nobody knows (MedQuAD gives no dates).
    last_updated = models.DateField(null=True, blank=True)
    # How many letters copied this section: the review list puts the most-used first.
    times_used = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[references], excluded_fields=["times_used"])

    class Meta:
        ordering = ["topic__name", "kind", "id"]
        indexes = [
            models.Index(fields=["topic", "kind", "status"]),
            models.Index(fields=["status", "last_updated"], name="library_section_review"),
        ]
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

    @property
    def needs_review(self) -> bool:
        return needs_review(self.last_updated)


def stale_before() -> date:
    """Sections last updated before this date are stale."""
    return timezone.localdate() - timedelta(days=settings.LIBRARY_STALE_AFTER_DAYS)


def is_stale(last_updated: date | None) -> bool:
    """A known date older than the threshold (an unknown date is not stale, it is unknown)."""
    return last_updated is not None and last_updated < stale_before()


def needs_review(last_updated: date | None) -> bool:
    """Unknown or stale: an editor should look at the section again."""
    return last_updated is None or is_stale(last_updated)


def needs_review_q() -> models.Q:
    """needs_review() as a filter on sections."""
    return models.Q(last_updated__isnull=True) | models.Q(last_updated__lt=stale_before())


class StandardText(models.Model):
    """A reusable text that wraps every letter: letterhead, greeting, closing, ..."""

    class Kind(models.TextChoices):
        # The order is the order in which the standard texts frame a letter.
        LETTERHEAD = "letterhead", "Letterhead"
        GREETING = "greeting", "Greeting"
        CLOSING = "closing", "Closing"
        SIGNATURE = "signature", "Signature"
        DISCLAIMER = "disclaimer", "Disclaimer"
        # Paragraphs a specialist adds when the library has no answer (never part of the frame).
        NO_INFORMATION = "no_information", "No information yet"
        REFERRAL = "referral", "Referral"
        NOT_MEDICAL_ADVICE = "not_medical_advice", "Not medical advice"
        # Any other paragraph written again and again, inserted while editing a block (a text module).
        PARAGRAPH = "paragraph", "Text module (paragraph)"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    FRAME_KINDS = (Kind.LETTERHEAD, Kind.GREETING, Kind.CLOSING, Kind.SIGNATURE, Kind.DISCLAIMER)
    NO_MATCH_KINDS = (Kind.NO_INFORMATION, Kind.REFERRAL, Kind.NOT_MEDICAL_ADVICE)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    name = models.CharField(max_length=200, help_text="How editors tell this text from the others.")
    body = models.TextField(
        help_text="Markdown with placeholders such as {requester_name}.", validators=[validate_markdown]
    )
    is_default = models.BooleanField(default=False)
    shortcut = models.SlugField(
        max_length=40,
        blank=True,
        help_text="Type ::shortcut while editing a block to insert this text there (text modules).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "shortcut"], condition=~models.Q(shortcut=""), name="standard_text_shortcut_unique"
            ),
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


def question_key(question: str) -> str:
    """The same question however it is spaced or capitalised."""
    return hashlib.sha256(" ".join((question or "").lower().split()).encode()).hexdigest()


class KindCorrection(models.Model):
    """A specialist's correction of the kinds suggested for a question: it asks for this kind, or not.

    Used at once by the suggestions for the same question, and later as training data
    (export_kind_corrections, then library/training/train_kinds.py --corrections).
    """

    question = models.TextField()
    question_key = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    asked = models.BooleanField(help_text="True: the question asks for this kind; False: it does not.")
    suggested = models.JSONField(default=list, blank=True, help_text="The kinds suggested before the correction.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=SectionKind.values), name="kind_correction_valid"),
        ]

    def __str__(self) -> str:
        return f"{'asks' if self.asked else 'does not ask'} {self.kind}: {self.question[:80]}"

    def save(self, *args, **kwargs):
        self.question_key = question_key(self.question)
        super().save(*args, **kwargs)


class Letterhead(models.Model):
    """The center's letterhead at the top of every letter (PDF, email, preview); one row, set in the admin.

    Without a row, letters use `Letterhead()`: the default name and nothing else. The logo is
    kept in the database (a small PNG or JPEG) so that every process renders the same letter
    without shared media storage, and the PDF embeds it from a data: URL.
    """

    DEFAULT_NAME = "Rare Disease Information Center"

    one = models.BooleanField(default=True, editable=False)
    name = models.CharField(max_length=200, default=DEFAULT_NAME)
    postal_address = models.TextField(max_length=300, blank=True, help_text="One line per line of the address.")
    telephone = models.CharField(max_length=40, blank=True)
    web_address = models.URLField(blank=True)
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)  # image/png or image/jpeg
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["one"], name="one_letterhead"),
            models.CheckConstraint(condition=models.Q(one=True), name="letterhead_one_is_true"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Letterhead":
        return cls.objects.first() or cls()

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]

    @property
    def logo_data_url(self) -> str:
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(bytes(self.logo)).decode('ascii')}"
