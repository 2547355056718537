from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A window envelope shows the name and at most this many address lines (DIN 5008: six in all).
POSTAL_ADDRESS_MAX_LINES = 5


def tidy_postal_address(value: str) -> str:
    """The address as lines without blanks or padding; too many lines is an error."""
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > POSTAL_ADDRESS_MAX_LINES:
        raise ValidationError(
            f"A postal address has at most {POSTAL_ADDRESS_MAX_LINES} lines (besides the name).",
            code="too_many_lines",
        )
    return "\n".join(lines)


class Requester(models.Model):
    """A person who writes to us. Their contact details are personal data."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        FAMILY = "family", "Parent or family member"
        FRIEND = "friend", "Friend"
        PROFESSIONAL = "professional", "Health professional"
        RESEARCHER = "researcher", "Researcher"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=100, blank=True)
    postal_address = models.TextField(
        max_length=500,
        blank=True,
        validators=[tidy_postal_address],
        help_text="For letters sent by post: street, city and postal code, country; one per line, without the name.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OTHER)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="en")
    consent_to_keep = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    DRAFTING = "drafting", _("Drafting")
    IN_REVIEW = "in_review", _("In review")
    READY = "ready", _("Ready to send")
    SENT = "sent", _("Sent")
    CLOSED = "closed", _("Closed")
    WAITING = "waiting", _("Waiting on requester")
    CLOSED_WITHOUT_REPLY = "closed_no_reply", _("Closed without reply")


# Not yet answered or closed: someone still has work to do.
OPEN_STATUSES = [
    InquiryStatus.NEW,
    InquiryStatus.ASSIGNED,
    InquiryStatus.DRAFTING,
    InquiryStatus.IN_REVIEW,
    InquiryStatus.READY,
    InquiryStatus.WAITING,
]


class Inquiry(models.Model):
    """A question from the public, tracked from arrival to closing."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        IMPORT = "import", _("Imported")

    Status = InquiryStatus

    class CloseReason(models.TextChoices):
        SPAM = "spam", _("Spam")
        DUPLICATE = "duplicate", _("Duplicate of another inquiry")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope, referred elsewhere")
        NO_ANSWER = "no_answer", _("No answer from requester")

    reference = models.CharField(max_length=20, unique=True)
    requester = models.ForeignKey(Requester, on_delete=models.PROTECT, related_name="inquiries")
    # The contact details as typed with this inquiry; they change the requester only when a
    # specialist applies them (a public form must not rewrite someone else's details).
    contact_given = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    condition = models.CharField(max_length=300, blank=True, help_text="The condition, as the requester named it.")
    question = models.TextField()
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="en")
    topics = models.ManyToManyField("library.Topic", blank=True, related_name="inquiries")
    # The library has nothing on what was asked: a supervisor sees the gap in the queue.
    research_needed = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_date = models.DateField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The deadline clock (inquiries.deadlines): paused while waiting on the requester; each
    # warning, escalation and reminder remembers what it was given for, so it is given once.
    waiting_since = models.DateTimeField(null=True, blank=True)
    warned_for = models.DateField(null=True, blank=True, help_text="The due date the assignee was warned of.")
    escalated_for = models.DateField(null=True, blank=True, help_text="The due date escalated to supervisors.")
    requester_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the database from `status`, so the desk's open-work queries read one small
    # index range instead of every inquiry ever received.
    unfinished = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=OPEN_STATUSES, then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name_plural = "inquiries"
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["assignee", "status"]),
            # Covers the dashboard's answered-per-week and turnaround queries without table reads.
            models.Index(fields=["sent_at", "received_at"], name="inquiry_sent_received_idx"),
            models.Index(fields=["due_date", "id"], name="inquiry_due_id_idx"),
            # Covers every open-work count and list of the dashboard.
            models.Index(fields=["unfinished", "due_date", "assignee", "status"], name="inquiry_open_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=InquiryStatus.values), name="inquiry_status_valid"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("inquiries:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in OPEN_EXCLUDED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


# Answered or closed: the complement of OPEN_STATUSES, so the two cannot drift apart.
OPEN_EXCLUDED = set(Inquiry.Status.values) - set(OPEN_STATUSES)


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Timeline events are append-only")

    def update(self, **kwargs):
        raise PermissionError("Timeline events are append-only")

    def erase(self, **fields) -> int:
        """The one change a timeline allows: a purge erasing personal data (notes' text, file names)."""
        return models.QuerySet.update(self, **fields)


class InquiryEvent(models.Model):
    """One entry of an inquiry's timeline. Append-only: never changed, never deleted."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=50)  # dotted: "inquiry.created", "inquiry.assigned", "reply.sent"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.inquiry.reference} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Timeline events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Timeline events are append-only")


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year; its row is locked to hand out the next."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"



def attachment_path(instance: "InquiryAttachment", filename: str) -> str:
    # Under MEDIA_ROOT but never served by a public URL: staff download through a view.
    return f"inquiries/attachments/{timezone.now():%Y/%m}/{filename}"


class InquiryAttachment(models.Model):
    """The email or letter an inquiry arrived as, recorded by staff."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SavedFilter(models.Model):
    """A queue filter a person named and keeps for themselves."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True, help_text="The queue's query string.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('inquiries:queue')}?{self.query}"


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    RETURNED = "returned", _("Your reply was returned")
    APPROVED = "approved", _("Your reply was approved")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    REQUESTER_REPLIED = "requester_replied", _("The requester wrote back")


class Notification(models.Model):
    """Something a staff member should know about an inquiry: shown under the bell, optionally emailed."""

    Kind = NotificationKind

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="notifications")
    # The timeline entry it tells of: one notification per person per event, however often it is raised.
    event = models.ForeignKey(InquiryEvent, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notification_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.inquiry_id}"

    def get_absolute_url(self) -> str:
        return reverse("inquiries:notification_open", args=[self.pk])


class NotificationPreference(models.Model):
    """A staff member's choice to receive notifications by email too (the bell is always on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by_email = models.BooleanField(default=False)

    class Meta:
        ordering = ["user"]

    def __str__(self) -> str:
        return f"{self.user}: {'email' if self.by_email else 'in the app only'}"


class MailOutcome(models.TextChoices):
    NEW = "new", "Opened an inquiry"
    APPENDED = "appended", "Added to an inquiry"
    BOUNCE = "bounce", "Bounce of a delivery"
    IGNORED = "ignored", "Ignored"


class IncomingMessage(models.Model):
    """One email the desk has taken in, by Message-ID: the same message twice changes nothing.

    Holds no personal data (no address, no text): those live on the requester and the
    timeline, where purging finds them."""

    Outcome = MailOutcome

    message_id = models.CharField(max_length=255, unique=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_messages"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=MailOutcome.values),
                name="incoming_message_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.outcome})"
