"""The desk: staff pages for inquiries (dashboard, queue, detail and its actions, staff entry)."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib import roles
from lib.spreadsheet import cell

from . import bulk as bulk_actions
from . import notifications, reports, selectors, services
from .attachments import attachment_type
from .filters import InquiryFilter
from .forms import (
    AssignForm,
    BulkForm,
    CloseForm,
    MoveForm,
    NoteForm,
    ReportForm,
    ResearchForm,
    SavedFilterForm,
    StaffInquiryForm,
    TopicsForm,
)
from .models import Inquiry, InquiryAttachment, Notification, NotificationPreference, SavedFilter
from .workflow import ALLOWED_MOVES, CLOSED_STATUSES, IllegalTransition, can_move

staff_required = roles.role_required(*roles.CASE_READERS)


def available_actions(inquiry: Inquiry, user) -> list[dict]:
    """The buttons shown on the detail page for the inquiry's current status."""
    if not roles.has_role(user, *roles.CASE_WRITERS):
        return []
    S = Inquiry.Status
    actions: list[dict] = []
    if inquiry.assignee_id is None and inquiry.status in services.TAKEABLE_STATUSES:
        actions.append({"kind": "take", "label": "Take it"})
    if inquiry.status in CLOSED_STATUSES:
        return [*actions, {"kind": "reopen", "label": "Reopen"}]
    for to in sorted(ALLOWED_MOVES.get(inquiry.status, ()), key=S.values.index):
        if to not in services.DESK_MOVES:
            continue  # the reply composer's, or (closed without reply) its own form with the reason
        if to == S.ASSIGNED and not inquiry.assignee_id:
            continue  # "Take it" or a supervisor's assignment
        label = "Release (unassign)" if to == S.NEW and inquiry.assignee_id else f"Move to {S(to).label.lower()}"
        actions.append({"kind": "move", "to": to, "label": label})
    return actions


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk)
    events = inquiry.events.select_related("actor")
    earlier = (
        Inquiry.objects.filter(requester_id=inquiry.requester_id)
        .exclude(pk=inquiry.pk)
        .only("id", "reference", "status", "received_at", "due_date")
        .order_by("-received_at")[:20]
    )
    can_act = roles.has_role(request.user, *roles.CASE_WRITERS)
    context = {
        "inquiry": inquiry,
        "topics": list(inquiry.topics.all()),
        "events": events,
        "attachments": inquiry.attachments.all(),
        "earlier": earlier,
        "contact_differences": selectors.contact_differences(inquiry),
        "actions": available_actions(inquiry, request.user),
        "can_act": can_act,
        "can_close": can_act and can_move(inquiry.status, Inquiry.Status.CLOSED_WITHOUT_REPLY),
        "assign_form": AssignForm() if roles.has_role(request.user, roles.SUPERVISOR) else None,
        "close_form": CloseForm(),
        "note_form": NoteForm(),
    }
    # The page is assembled at project level (templates/desk/): the inquiry with the other apps' panels.
    return render(request, "desk/inquiry_detail.html", context)


def _back(inquiry: Inquiry) -> HttpResponse:
    return redirect(inquiry)


@staff_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    try:
        services.inquiry_take(inquiry=inquiry, by=request.user)
    except (services.AlreadyTaken, IllegalTransition) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have taken {inquiry.reference}.")
    return _back(inquiry)


@staff_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    roles.require_role(request.user, roles.SUPERVISOR)
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a specialist to assign.")
        return _back(inquiry)
    try:
        services.inquiry_assign(inquiry=inquiry, to_user=form.cleaned_data["assignee"], by=request.user)
    except (IllegalTransition, services.NotAllowed) as error:
        messages.error(request, str(error))
    return _back(inquiry)


@staff_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("to", ["Unknown status."])))
        return _back(inquiry)
    try:
        services.inquiry_move(
            inquiry=inquiry, to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"]
        )
    except IllegalTransition as error:
        messages.error(request, str(error))
    return _back(inquiry)


@staff_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = CloseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(inquiry)
    try:
        services.inquiry_close_without_reply(inquiry=inquiry, by=request.user, **form.cleaned_data)
    except (IllegalTransition, ValueError) as error:
        messages.error(request, str(error))
    return _back(inquiry)


@staff_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    try:
        services.inquiry_reopen(inquiry=inquiry, by=request.user, note=request.POST.get("note", "")[:2000])
    except IllegalTransition as error:
        messages.error(request, str(error))
    return _back(inquiry)


@staff_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.inquiry_note(inquiry=inquiry, by=request.user, note=form.cleaned_data["note"])
    else:
        messages.error(request, "A note cannot be empty.")
    return _back(inquiry)


@staff_required
@require_POST
def research(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag the library's gap for a supervisor, or clear the flag once the library has the topic."""
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = ResearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether research is needed or done.")
        return _back(inquiry)
    services.inquiry_flag_research(inquiry=inquiry, by=request.user, **form.cleaned_data)
    return _back(inquiry)


@staff_required
@require_POST
def requester_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the contact details typed with this inquiry over into the requester."""
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    try:
        services.requester_update_from_inquiry(inquiry=inquiry, by=request.user)
    except services.NotAllowed as error:
        messages.error(request, str(error))
    return _back(inquiry)


@staff_required
@require_POST
def topics(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.get_inquiry(request.user, pk, act=True)
    form = TopicsForm(request.POST, inquiry=inquiry)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(inquiry)
    kept = [t for t in inquiry.topics.all() if t not in form.cleaned_data["remove"]]
    if form.cleaned_data["add"] is not None and form.cleaned_data["add"] not in kept:
        kept.append(form.cleaned_data["add"])
    services.inquiry_set_topics(inquiry=inquiry, topics=kept, by=request.user)
    return _back(inquiry)


@staff_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Staff entry of an inquiry received by phone, email or letter."""
    roles.require_role(request.user, *roles.CASE_WRITERS)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    # Read after the body is parsed: the upload handler notes a file dropped for its size.
    form = StaffInquiryForm(data, files, oversized=getattr(request, "oversized_uploads", ()))
    if request.method == "POST" and form.is_valid():
        inquiry = services.inquiry_create(by=request.user, **form.cleaned_data)
        messages.success(request, f"Recorded {inquiry.reference}.")
        return redirect(inquiry)
    return render(request, "inquiries/new.html", {"form": form})


@staff_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The received email or letter; only through this login-protected view."""
    item = get_object_or_404(InquiryAttachment, pk=attachment_pk, inquiry_id=pk)
    # Always a download, of the type its name allows (never what the uploader claimed); nosniff
    # (SECURE_CONTENT_TYPE_NOSNIFF) keeps browsers from guessing another.
    content_type = attachment_type(item.original_name) or "application/octet-stream"
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=content_type
    )


# --- Dashboard and queue ----------------------------------------------------------------------

PAGE_SIZES = (25, 50, 100)
CSV_COLUMNS = [
    "reference",
    "status",
    "channel",
    "received_at",
    "due_date",
    "overdue",
    "assignee",
    "requester_name",
    "requester_email",
    "condition",
    "topics",
    "question",
]


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = selectors.dashboard(request.user)
    context["chart"] = chart_geometry(context["weeks"], context["chart_peak"])
    context["desk_counts"] = context["summary"]  # the navigation bar's counts, without counting twice
    if roles.has_role(request.user, roles.SUPERVISOR):
        context["workload"] = selectors.workload(services.specialists(), timezone.localdate())
    reviewer = roles.has_role(request.user, roles.REVIEWER)
    context["views"] = [
        (name, label, context["summary"][name])
        for name, label in selectors.PERSONAL_VIEWS.items()
        if name != "review" or reviewer
    ]
    return render(request, "inquiries/dashboard.html", context)


CHART_HEIGHT = 160
CHART_STEP = 24


def chart_geometry(weeks: list, peak: int) -> dict:
    """Bar positions for the inline SVG chart, computed here so the template stays plain."""
    bars = []
    for i, week in enumerate(weeks):
        received_h = round(CHART_HEIGHT * week.received / peak)
        answered_h = round(CHART_HEIGHT * week.answered / peak)
        x = 30 + i * CHART_STEP
        bars.append(
            {
                "week": week,
                "x": x,
                "x2": x + 10,
                "label_x": x + 10,
                "received_y": CHART_HEIGHT - received_h + 10,
                "received_h": received_h,
                "answered_y": CHART_HEIGHT - answered_h + 10,
                "answered_h": answered_h,
                "show_label": i % 4 == 0,
            }
        )
    return {
        "bars": bars,
        "width": 40 + len(weeks) * CHART_STEP,
        "height": CHART_HEIGHT + 40,
        "peak": peak,
        "axis_y": CHART_HEIGHT + 10,
        "label_y": CHART_HEIGHT + 28,
    }


def _filtered(request: HttpRequest) -> InquiryFilter:
    """The queue's filters; without a status choice it shows the open inquiries."""
    data = request.GET.copy()
    data.setdefault("status", "open")
    queryset = Inquiry.objects.order_by("due_date", "id")
    return InquiryFilter(data, queryset=queryset, request=request)


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    rows = selectors.list_rows(filterset.qs)
    per_page = int(request.GET["per_page"]) if request.GET.get("per_page") in map(str, PAGE_SIZES) else 50
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": selectors.queue_rows(page),
        "query": query.urlencode(),
        "page_sizes": PAGE_SIZES,
        "saved_filters": SavedFilter.objects.filter(owner=request.user),
        "bulk_form": BulkForm() if roles.has_role(request.user, *roles.CASE_WRITERS) else None,
        "can_assign": roles.has_role(request.user, roles.SUPERVISOR),
    }
    return render(request, "inquiries/queue.html", context)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    """The queue with the filter the person was looking at."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('inquiries:queue')}?{query}" if query else reverse("inquiries:queue"))


@staff_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Assign, close or merge the inquiries ticked in the queue."""
    roles.require_role(request.user, *roles.CASE_WRITERS)
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back_to_queue(request)
    data = form.cleaned_data
    if data["action"] == "merge":
        return _merge(request, *data["ids"])
    if data["action"] == "assign":
        roles.require_role(request.user, roles.SUPERVISOR)
        result = bulk_actions.inquiries_assign(inquiries=data["ids"], to_user=data["assignee"], by=request.user)
    else:
        result = bulk_actions.inquiries_close(
            inquiries=data["ids"], reason=data["reason"], by=request.user, note=data["note"],
            duplicate_of=data["duplicate_of"],
        )
    if result.done:
        messages.success(request, f"Done for {len(result.done)}: {', '.join(result.done)}.")
    for failure in result.failed:
        messages.error(request, failure)
    return _back_to_queue(request)


def _merge(request: HttpRequest, older: Inquiry, newer: Inquiry) -> HttpResponse:
    """The later inquiry is merged into the earlier one, which carries on."""
    try:
        target = bulk_actions.inquiry_merge(source=newer, target=older, by=request.user)
    except (bulk_actions.MergeError, IllegalTransition) as error:
        messages.error(request, str(error))
        return _back_to_queue(request)
    messages.success(request, f"Merged {newer.reference} into {target.reference}.")
    return redirect(target)


@staff_required
@require_POST
def filter_save(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("inquiries:queue")
    saved = services.saved_filter_save(owner=request.user, **form.cleaned_data)
    messages.success(request, f"Saved the filter “{saved.name}”.")
    return redirect(saved)


@staff_required
@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the owner's own filters exist for them: anyone else's is a 404.
    saved = get_object_or_404(SavedFilter, pk=pk, owner=request.user)
    saved.delete()
    messages.success(request, f"Deleted the filter “{saved.name}”.")
    return redirect("inquiries:queue")


@staff_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV, streamed in chunks so a large export never sits in memory."""
    filterset = _filtered(request)
    rows = filterset.qs.select_related("requester", "assignee").prefetch_related("topics")
    writer = csv.writer(Echo())
    today = timezone.localdate()

    def lines():
        yield "\ufeff"  # the byte-order mark: Excel then reads the file as UTF-8 ("Gutiérrez", not "GutiÃ©rrez")
        yield writer.writerow(CSV_COLUMNS)
        for inquiry in rows.iterator(chunk_size=2000):
            yield writer.writerow(_csv_row(inquiry, today))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inquiries.csv"'
    return response


class Echo:
    def write(self, value: str) -> str:
        return value


def _csv_row(inquiry: Inquiry, today) -> list:
    requester = inquiry.requester
    return [
        inquiry.reference,
        inquiry.status,
        inquiry.channel,
        timezone.localtime(inquiry.received_at).isoformat(timespec="minutes"),
        inquiry.due_date.isoformat(),
        "yes" if inquiry.is_open and inquiry.due_date < today else "no",
        inquiry.assignee.get_username() if inquiry.assignee else "",
        cell(requester.name),
        cell(requester.email),
        cell(inquiry.condition),
        cell("; ".join(t.name for t in inquiry.topics.all())),
        cell(inquiry.question),
    ]


# --- Reports (supervisors) ---------------------------------------------------------------------

supervisor_required = roles.role_required(roles.SUPERVISOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: HttpRequest) -> tuple[ReportForm, list[reports.Row]]:
    form = ReportForm.for_request(request.GET)
    if not form.is_valid():
        return form, []
    return form, reports.report_rows(form.cleaned_data["date_from"], form.cleaned_data["date_to"])


@supervisor_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form, rows = _report(request)
    months = [row for row in rows if row.dimension == "month"]
    context = {
        "form": form,
        "sections": [
            (name, label, [row for row in rows if row.dimension == name])
            for name, (label, _key) in reports.DIMENSIONS.items()
        ],
        "chart": month_chart(months),
        "query": request.GET.urlencode(),
    }
    return render(request, "inquiries/report.html", context)


def month_chart(months: list[reports.Row]) -> dict:
    """Bars of received and answered per month for the report's inline SVG."""
    peak = max([1, *(row.received for row in months)])
    bars = []
    for i, row in enumerate(months):
        x = 40 + i * 44
        received_h, answered_h = (round(CHART_HEIGHT * n / peak) for n in (row.received, row.answered))
        bars.append({"row": row, "x": x, "x2": x + 16, "label_x": x + 16,
                     "received_y": CHART_HEIGHT - received_h + 10, "received_h": received_h,
                     "answered_y": CHART_HEIGHT - answered_h + 10, "answered_h": answered_h})
    return {"bars": bars, "peak": peak, "width": 60 + len(months) * 44, "height": CHART_HEIGHT + 40,
            "axis_y": CHART_HEIGHT + 10, "label_y": CHART_HEIGHT + 28}


@supervisor_required
@require_GET
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Reports export as csv or xlsx.")
    form, rows = _report(request)
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors.get("__all__", ["Choose a valid period."])), status=400)
    period = f"{form.cleaned_data['date_from']:%Y%m%d}-{form.cleaned_data['date_to']:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(reports.rows_csv(rows, bom=True), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(reports.rows_xlsx(rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="report-{period}.{fmt}"'
    return response


# --- Notifications ------------------------------------------------------------------------------

NOTIFICATIONS_SHOWN = 50


@staff_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Notification.objects.filter(recipient=request.user)
        .select_related("inquiry", "event__actor")[:NOTIFICATIONS_SHOWN]
    )
    preference = NotificationPreference.objects.filter(user=request.user).first()
    context = {"notifications": rows, "by_email": bool(preference and preference.by_email)}
    return render(request, "inquiries/notifications.html", context)


@staff_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the inquiry a notification is about; its notifications for this person are then read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.notifications_mark_read(user=request.user, inquiry_id=notification.inquiry_id)
    return redirect(notification.inquiry)


@staff_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("inquiries:notifications")


@staff_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    by_email = request.POST.get("by_email") == "on"
    notifications.notification_preference_set(user=request.user, by_email=by_email)
    messages.success(request, "Notifications by email are on." if by_email else "Notifications by email are off.")
    return redirect("inquiries:notifications")
