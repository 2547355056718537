"""The queue's filters, search and sorting (django-filter)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from lib.statements import replayed_rows

from .models import Inquiry
from .selectors import OPEN, PERSONAL_VIEWS, overdue_q, personal_view_q
from .services import specialists

STATUS_CHOICES = [("open", "All open"), *Inquiry.Status.choices]


class PlainSelect(forms.Select):
    """Django's <select> (same attributes, same selected option) built in Python instead of with a
    template include per option and a context per option: the queue shows six, some 40 options,
    on every request, and that cost more than its 50 rows. Flat choices only: no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))  # as strings, None as ""
        rows = []
        for choice, label in self.choices:
            choice = "" if choice is None else str(choice)
            rows.append((choice, " selected" if choice in chosen else "", label))
        options = format_html_join("", '\n  <option value="{}"{}>{}</option>', rows)
        return format_html('<select name="{}"{}>{}\n</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


def _specialist_choices() -> list[tuple[int, str]]:
    # Choices rather than a ModelChoiceFilter: its queryset is read through a server-side cursor
    # on PostgreSQL (three round trips for a dozen names, on every queue page).
    return replayed_rows(("specialist_choices",),
                         lambda: specialists().values_list("pk", get_user_model().USERNAME_FIELD))


class InquiryFilter(django_filters.FilterSet):
    view = django_filters.ChoiceFilter(
        choices=list(PERSONAL_VIEWS.items()), method="filter_view", label="View", empty_label="All inquiries",
        widget=PlainSelect,
    )
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", empty_label="Any status",
                                       widget=PlainSelect)
    assignee = django_filters.ChoiceFilter(choices=_specialist_choices, null_label="Unassigned", empty_label="Anyone",
                                        widget=PlainSelect)
    topic = django_filters.CharFilter(method="filter_topic", label="Topic")
    channel = django_filters.ChoiceFilter(
        choices=Inquiry.Channel.choices, empty_label="Any channel", widget=PlainSelect
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only", widget=forms.CheckboxInput)
    research = django_filters.BooleanFilter(field_name="research_needed", label="Research needed only",
                                            method="filter_research", widget=forms.CheckboxInput)
    received = django_filters.DateFromToRangeFilter(
        field_name="received_at",
        label="Received between",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    o = django_filters.OrderingFilter(
        fields=(("due_date", "due"), ("received_at", "received"), ("reference", "reference"), ("status", "status")),
        field_labels={"due_date": "Due date", "received_at": "Received", "reference": "Reference", "status": "Status"},
        label="Sort by",
        empty_label="Due date (default)",
        widget=PlainSelect,
    )

    class Meta:
        model = Inquiry
        fields: list[str] = []

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-control")
        # The two date inputs share one legend; each needs its own accessible name (axe: label).
        start, end = form.fields["received"].widget.widgets
        start.attrs["aria-label"] = "Received from"
        end.attrs["aria-label"] = "Received until"
        return form

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(requester__name__icontains=value)
            | Q(requester__email__icontains=value)
            | Q(question__icontains=value)
        )

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(OPEN) if value == "open" else queryset.filter(status=value)

    def filter_topic(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        links = Inquiry.topics.through.objects.filter(inquiry_id=OuterRef("pk"), topic__name__icontains=value)
        return queryset.filter(Exists(links))

    def filter_view(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(personal_view_q(value, self.request.user, timezone.localdate()))
    def filter_research(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(research_needed=True) if value else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(overdue_q()) if value else queryset
