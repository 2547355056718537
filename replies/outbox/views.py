"""Sending, retrying, archive and export downloads, and printing in bulk.

Changes are POSTs to the services in replies.outbox.deliveries and replies.outbox.bulk; downloads are GETs
(an archive download writes a timeline row: an audit record, not a change of state).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib import roles

from ..fetch import get_delivery, get_export, get_reply
from ..letter.exports import CONTENT_TYPES, EXPORTERS, export_filename, export_reply
from ..models import BulkExport, Reply
from . import bulk, deliveries
from .forms import BulkForm, SendForm


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, reply_pk: int) -> HttpResponse:
    """GET (or the composer's "Send…" button): choose how; POST with a method: queue it."""
    reply = get_reply(request.user, reply_pk, write=True)
    form = SendForm(
        request.POST if "method" in request.POST else None,
        reply=reply,
        initial={"confirm_stale": request.POST.get("confirm_stale") == "1"},
    )
    if form.is_valid():
        try:
            deliveries.delivery_queue(reply=reply, by=request.user, **form.service_kwargs())
        except deliveries.DeliveryError as error:
            # Shown on this page, next to the Send button the person just pressed.
            form.add_error(None, ValidationError(str(error), code=error.code))
        else:
            messages.success(request, "The reply is on its way; its delivery is shown below.")
            return redirect(reply.inquiry.get_absolute_url() + "#deliveries")
    context = {
        "reply": reply,
        "form": form,
        "stale": deliveries.stale_headings(reply),
        "sent_by": deliveries.live_methods(reply),
    }
    return render(request, "replies/send.html", context)


@login_required
@require_POST
def arrived(request: HttpRequest, pk: int) -> HttpResponse:
    """Outcome unknown: a person checked, and the message arrived."""
    delivery = get_delivery(request.user, pk, write=True)
    try:
        deliveries.delivery_confirm_arrived(delivery=delivery, by=request.user)
    except deliveries.DeliveryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as delivered.")
    return redirect(delivery.reply.inquiry.get_absolute_url() + "#deliveries")


@login_required
@require_POST
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Outcome unknown: a person checked, and the message did not arrive."""
    delivery = get_delivery(request.user, pk, write=True)
    try:
        deliveries.delivery_send_again(delivery=delivery, by=request.user)
    except deliveries.DeliveryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The letter is queued again, as a new delivery.")
    return redirect(delivery.reply.inquiry.get_absolute_url() + "#deliveries")


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery(request.user, pk, write=True)
    try:
        deliveries.delivery_retry(delivery=delivery, by=request.user)
    except deliveries.DeliveryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The delivery is queued again.")
    return redirect(delivery.reply.inquiry.get_absolute_url() + "#deliveries")


@login_required
@require_GET
def archive(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The exact bytes that went out (.eml or PDF); each download is logged in the timeline."""
    delivery = get_delivery(request.user, pk)
    if kind not in deliveries.ARCHIVE_KINDS:
        raise Http404
    try:
        data, content_type = deliveries.delivery_download(delivery=delivery, by=request.user, kind=kind)
    except deliveries.DeliveryError as exc:
        raise Http404(str(exc)) from exc
    return _attachment(data, content_type, f"{delivery.reply.inquiry.reference}-delivery-{delivery.pk}.{kind}")


@login_required
@require_GET
def export(request: HttpRequest, reply_pk: int, fmt: str) -> HttpResponse:
    """The letter as it renders now: PDF, .eml, HTML or text (a draft's preview, not an archive)."""
    reply = get_reply(request.user, reply_pk)
    if fmt not in EXPORTERS:
        raise Http404
    return _attachment(export_reply(reply, fmt), CONTENT_TYPES[fmt], export_filename(reply, fmt))


@login_required
@require_http_methods(["GET", "POST"])
def bulk_list(request: HttpRequest) -> HttpResponse:
    """Approved and sent replies with checkboxes; POST renders the chosen ones into one ZIP."""
    roles.require_role(request.user, *roles.CASE_WRITERS)
    if request.method == "POST":
        form = BulkForm(request.POST)
        if form.is_valid():
            try:
                job = bulk.bulk_export_start(reply_ids=form.cleaned_data["reply"], by=request.user)
            except deliveries.DeliveryError as error:
                messages.error(request, str(error))
            else:
                return redirect(job)
        else:
            messages.error(request, "Select at least one reply.")
    status = request.GET.get("status", "")
    replies = Reply.objects.filter(status__in=[status] if status in bulk.BULK_STATUSES else bulk.BULK_STATUSES)
    replies = replies.select_related("inquiry__requester").order_by("-updated_at", "-id")
    page = Paginator(replies, 100).get_page(request.GET.get("page"))
    return render(request, "replies/bulk_list.html", {"page": page, "status": status})


@login_required
@require_GET
def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export(request.user, pk)
    template = "replies/_bulk_progress.html" if request.htmx else "replies/bulk_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def bulk_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export(request.user, pk)
    if job.status != BulkExport.Status.DONE:
        raise Http404("This export is not ready.")
    data = BulkExport.objects.values_list("zip", flat=True).get(pk=job.pk)
    return _attachment(bytes(data), "application/zip", f"letters-{job.pk}.zip")
