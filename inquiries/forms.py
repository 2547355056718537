"""Forms validate and tidy input only; every error carries a code."""

import secrets
import time
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from library.models import Topic

from .attachments import attachment_too_large, validate_attachment
from .filters import InquiryFilter
from .models import Inquiry, Requester, tidy_postal_address
from .services import DESK_MOVES, specialists

FILL_SALT = "inquiries.ask.started"
START_TOKEN_MAX_AGE = 24 * 3600
QUESTION_MIN = 20
QUESTION_MAX = 5000

ROLE_CHOICES = [
    ("patient", _("Patient")),
    ("family", _("Parent or family member")),
    ("friend", _("Friend")),
    ("professional", _("Health professional")),
    ("researcher", _("Researcher")),
    ("other", _("Other")),
]
LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]


def fill_token(now: float | None = None) -> str:
    """A signed form start time: the client cannot forge an earlier one. The random part makes
    each shown form's token unique, so the view can accept it once only."""
    return signing.dumps([now if now is not None else time.time(), secrets.token_hex(8)], salt=FILL_SALT)


class AskForm(forms.Form):
    """The public question form."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    country = forms.CharField(label=_("Country (optional)"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Who is asking?"), choices=ROLE_CHOICES)
    condition = forms.CharField(
        label=_("The condition"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "topic-suggestions"}),
    )
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": QUESTION_MAX, "minlength": QUESTION_MIN}),
        help_text=_("Between 20 and 5,000 characters."),
    )
    language = forms.ChoiceField(label=_("Preferred language for our answer"), choices=LANGUAGE_CHOICES)
    consent_to_keep = forms.BooleanField(
        label=_("You may keep my question and contact details after answering it."), required=False
    )
    # Spam traps: a field people never see, and the signed time the form was shown.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The form has expired. Please submit it again.")},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please tell us your name."), code="required")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if len(question) < QUESTION_MIN:
            raise forms.ValidationError(
                _("Please write at least %(min)d characters.") % {"min": QUESTION_MIN}, code="too_short"
            )
        if len(question) > QUESTION_MAX:
            raise forms.ValidationError(
                _("Please keep your question under %(max)d characters.") % {"max": QUESTION_MAX}, code="too_long"
            )
        return question

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Your submission looks automated and was not accepted."), code="honeypot")
        return ""

    def clean_started(self) -> float:
        try:
            signed = signing.loads(self.cleaned_data["started"], salt=FILL_SALT, max_age=START_TOKEN_MAX_AGE)
            started = float(signed[0])
        except (signing.BadSignature, TypeError, ValueError, IndexError, KeyError):
            raise forms.ValidationError(_("The form has expired. Please submit it again."), code="bad_token") from None
        if time.time() - started < settings.INQUIRY_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was faster than a person can type. Please check your question and submit it again."),
                code="too_fast",
            )
        return started


class StaffInquiryForm(forms.Form):
    """An inquiry received by phone, email or letter, entered by staff."""

    CHANNELS = [c for c in Inquiry.Channel.choices if c[0] in ("phone", "email", "letter")]

    channel = forms.ChoiceField(choices=CHANNELS)
    received_at = forms.DateTimeField(
        initial=timezone.now,
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    country = forms.CharField(max_length=100, required=False)
    postal_address = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        required=False,
        help_text=Requester._meta.get_field("postal_address").help_text,
    )
    role = forms.ChoiceField(choices=Requester.Role.choices, initial=Requester.Role.OTHER)
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    condition = forms.CharField(max_length=300, required=False)
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=QUESTION_MAX)
    consent_to_keep = forms.BooleanField(required=False)
    attachment = forms.FileField(
        required=False,
        help_text="The received email (.eml) or a scan of the letter: PDF, image, text, Office document; "
        "at most 20 MB.",
    )

    def __init__(self, *args, oversized: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = set(oversized)

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("The date received cannot be in the future.", code="future")
        return received_at

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_postal_address(self) -> str:
        return tidy_postal_address(self.cleaned_data["postal_address"])

    def clean_attachment(self):
        upload = self.cleaned_data["attachment"]
        if "attachment" in self.oversized:
            raise forms.ValidationError(attachment_too_large(), code="too_large")
        if upload:
            validate_attachment(name=upload.name, size=upload.size)
        return upload


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ResearchForm(forms.Form):
    needed = forms.TypedChoiceField(choices=[("1", "Research needed"), ("0", "Research done")],
                                    coerce=lambda value: value == "1")
    note = forms.CharField(required=False, max_length=2000)


class MoveForm(forms.Form):
    """A desk move; drafting, review, ready and sent belong to the reply composer."""

    to = forms.ChoiceField(
        choices=[(value, label) for value, label in Inquiry.Status.choices if value in DESK_MOVES],
        error_messages={"invalid_choice": "Drafting, review, ready and sent are set by the reply composer."},
    )
    note = forms.CharField(required=False, max_length=2000)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(choices=Inquiry.CloseReason.choices)
    duplicate_of = forms.CharField(required=False, max_length=20, help_text="Reference, like RD-2026-000123")
    note = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        _resolve_duplicate(self, data)
        return data


def _resolve_duplicate(form: forms.Form, data: dict) -> None:
    """Closing as a duplicate names the other inquiry by its reference; any other reason, none."""
    if data.get("reason") != Inquiry.CloseReason.DUPLICATE:
        data["duplicate_of"] = None
        return
    reference = (data.get("duplicate_of") or "").strip().upper()
    other = Inquiry.objects.filter(reference=reference).first() if reference else None
    if other is None:
        error = forms.ValidationError("Give the reference of the other inquiry.", code="unknown")
        form.add_error("duplicate_of", error)
    data["duplicate_of"] = other


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = specialists()


class TopicsForm(forms.Form):
    """Remove linked topics (checkboxes) and add one by its exact name."""

    remove = forms.ModelMultipleChoiceField(queryset=Topic.objects.none(), required=False)
    add = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, inquiry: Inquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = inquiry.topics.all()

    def clean_add(self):
        name = self.cleaned_data["add"].strip()
        if not name:
            return None
        topic = Topic.objects.filter(name__iexact=name).order_by("pk").first()
        if topic is None:
            raise forms.ValidationError("No topic has this name.", code="unknown_topic")
        return topic


# What a saved filter may keep of the queue's query string (never the page number).
SAVED_FILTER_KEYS = ("view", "q", "status", "assignee", "topic", "channel", "overdue", "research", "received_after",
                     "received_before", "o", "per_page")


class SavedFilterForm(forms.Form):
    """Name the queue's current filter to keep it."""

    name = forms.CharField(max_length=80)
    query = forms.CharField(max_length=1000, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the filter a name.", code="required")
        return name

    def clean_query(self) -> str:
        data = QueryDict(self.cleaned_data["query"], mutable=True)
        kept = QueryDict(mutable=True)
        for key in SAVED_FILTER_KEYS:
            values = [value for value in data.getlist(key) if value]
            if values:
                kept.setlist(key, values)
        if not InquiryFilter(kept, queryset=Inquiry.objects.none()).is_valid():
            raise forms.ValidationError("That filter is not valid: check its fields.", code="invalid")
        return kept.urlencode()


REPORT_MAX_DAYS = 5 * 366


class ReportForm(forms.Form):
    """The period of a report: inquiries received from one date to another, both included."""

    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def for_request(cls, data) -> "ReportForm":
        """Bound to the query string; the last twelve months when it names no period."""
        if not data.get("date_from") and not data.get("date_to"):
            today = timezone.localdate()
            data = {"date_from": (today - timezone.timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError("The period ends before it starts.", code="order")
            if (end - start).days > REPORT_MAX_DAYS:
                raise forms.ValidationError("Choose a period of at most five years.", code="too_long")
        return cleaned


BULK_MAX = 200


class BulkForm(forms.Form):
    """An action on the inquiries ticked in the queue."""

    ACTIONS = [("assign", "Assign to"), ("close", "Close without reply"), ("merge", "Merge the two")]

    ids = forms.ModelMultipleChoiceField(queryset=Inquiry.objects.all(), error_messages={
        "required": "Tick the inquiries first.", "invalid_choice": "One of the inquiries no longer exists."})
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(queryset=None, required=False)
    reason = forms.ChoiceField(choices=[("", "—"), *Inquiry.CloseReason.choices], required=False)
    duplicate_of = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = specialists()

    def clean_ids(self):
        chosen = self.cleaned_data["ids"]
        if len(chosen) > BULK_MAX:
            raise forms.ValidationError(f"Choose at most {BULK_MAX} inquiries at once.", code="too_many")
        return list(chosen.order_by("received_at", "id"))

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", forms.ValidationError("Choose a specialist to assign.", code="required"))
        elif action == "close":
            if not data.get("reason"):
                self.add_error("reason", forms.ValidationError("Choose a reason for closing.", code="required"))
            _resolve_duplicate(self, data)
        elif action == "merge" and len(data.get("ids") or []) != 2:
            self.add_error("ids", forms.ValidationError("Tick exactly two inquiries to merge.", code="not_two"))
        return data
