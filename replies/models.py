from django.conf import settings
from django.db import models
from django.urls import reverse

from lib.markup import validate_markdown
from library.models import is_stale


class ReplyStatus(models.TextChoices):
    DRAFTING = "drafting", "Drafting"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent"


class Reply(models.Model):
    """A letter answering one inquiry, assembled from blocks."""

    Status = ReplyStatus

    inquiry = models.ForeignKey("inquiries.Inquiry", on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_replies"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    title = models.CharField(max_length=1000, help_text="The question, restated as the letter's title.")
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="en")
    review_comment = models.TextField(blank=True)
    # Everyone who changed the letter (blocks, title, submission): none of them may approve it.
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Optimistic locking: every save of the reply or its blocks bumps the version, and
    # a save that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "replies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReplyStatus.values), name="reply_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} to {self.inquiry_id}"

    def get_absolute_url(self) -> str:
        return reverse("replies:compose", args=[self.pk])


class BlockKind(models.TextChoices):
    SECTION = "section", "Library section"
    STANDARD = "standard", "Standard text"
    CUSTOM = "custom", "Custom paragraph"


class ReplyBlock(models.Model):
    """One block of a letter: a copied library section, a standard text or a custom paragraph.

    A section block is a copy: later library edits never change a letter silently. It
    remembers which version of the section it was copied from, for drift warnings.
    """

    Kind = BlockKind

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    section = models.ForeignKey(
        "library.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="reply_blocks"
    )
    # The library's history row of the section when it was copied (simple_history's history_id).
    source_history_id = models.PositiveIntegerField(null=True, blank=True)
    standard_text = models.ForeignKey(
        "library.StandardText", on_delete=models.PROTECT, null=True, blank=True, related_name="reply_blocks"
    )
    standard_kind = models.CharField(max_length=20, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    body = models.TextField(
        blank=True, help_text="Markdown. Cite references as [@key].", validators=[validate_markdown]
    )
    last_updated = models.DateField(null=True, blank=True)
    # The language of the copied section or standard text; blank for a custom paragraph, which
    # the specialist writes in the letter's language.
    language = models.CharField(max_length=8, blank=True)
    locally_edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=BlockKind.SECTION) | models.Q(section__isnull=False),
                name="section_block_has_section",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.position} of reply {self.reply_id}"

    @property
    def is_stale(self) -> bool:
        """A copied section older than the library's stale threshold."""
        return self.kind == self.Kind.SECTION and is_stale(self.last_updated)

    @property
    def date_unknown(self) -> bool:
        """A copied section whose content nobody has dated: the letter prints no "Last updated"."""
        return self.kind == self.Kind.SECTION and self.last_updated is None


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "PDF letter"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"  # sent, then reported undeliverable by the recipient's mail system
    # The server had the whole message when the connection failed: it may have arrived. Never
    # retried automatically; a person checks and chooses "it arrived" or "send again".
    UNKNOWN = "unknown", "Outcome unknown"


# A reply has at most one delivery in these per method: on its way, gone, or perhaps gone.
LIVE_DELIVERY_STATUSES = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.UNKNOWN]


class Delivery(models.Model):
    """One sending of a reply: what exactly went out, to whom, when and how (the outbox)."""

    Method = DeliveryMethod
    Status = DeliveryStatus

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(max_length=254, blank=True)
    attach_pdf = models.BooleanField(default=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    eml = models.BinaryField(null=True, blank=True)
    eml_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # last put in the queue (first send or retry)
    started_at = models.DateTimeField(null=True, blank=True)  # last claimed by a worker
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        # Incoming mail looks its thread and bounces up by our Message-ID.
        indexes = [models.Index(fields=["message_id"], name="delivery_message_id_idx")]
        constraints = [
            # A reply goes out once by each method (an email, and a printed letter if wanted too):
            # a double click or two workers cannot queue it twice.
            models.UniqueConstraint(
                fields=["reply", "method"],
                condition=models.Q(status__in=LIVE_DELIVERY_STATUSES),
                name="one_live_delivery_per_reply_and_method",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=DeliveryMethod.values), name="delivery_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of reply {self.reply_id} ({self.status})"


class BulkExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class BulkExport(models.Model):
    """A ZIP of letter PDFs rendered in the task worker, with its progress for the page that waits."""

    Status = BulkExportStatus

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reply_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    zip = models.BinaryField(null=True, blank=True)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BulkExportStatus.values), name="bulk_export_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Bulk export {self.pk} ({self.done}/{self.total})"

    def get_absolute_url(self) -> str:
        return reverse("deliveries:bulk_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class AnsweredLetter(models.Model):
    """What a sent letter answered and with which sections: the desk's memory ("Answered before").

    Written when the letter goes out (replies.answered.letter_remember); read to find the
    letters sent for similar questions and the sections specialists chose for them.
    """

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="answered")
    question = models.TextField()
    topics = models.ManyToManyField("library.Topic", blank=True, related_name="+")
    sections = models.ManyToManyField("library.Section", blank=True, related_name="+")
    vector = models.BinaryField(help_text="The question's embedding (WordLlama, float16), for similarity.")
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Letter of reply {self.reply_id}, sent {self.sent_at:%Y-%m-%d}"
