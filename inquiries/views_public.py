"""The public question form at /ask/: no login, English or Spanish."""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.forms import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import FILL_SALT, AskForm, fill_token
from .models import Inquiry
from .services import inquiry_create
from .tasks import send_confirmation

THANKS_SALT = "inquiries.ask.thanks"
RATE_WINDOW = 3600


def _rate_key(request: HttpRequest) -> str:
    # REMOTE_ADDR: the proxy in front must set it to the client's address.
    return f"inquiries:ask-rate:{request.META.get('REMOTE_ADDR', '')}"


def rate_limited(request: HttpRequest) -> bool:
    return cache.get(_rate_key(request), 0) >= settings.INQUIRY_RATE_LIMIT_PER_HOUR


def rate_count(request: HttpRequest) -> None:
    key = _rate_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _ask_page(request, AskForm(initial={"language": request.LANGUAGE_CODE}))
    form = AskForm(request.POST)
    if rate_limited(request):
        form.is_valid()
        message = _("Too many questions from your network in the last hour. Please try again later.")
        form.add_error(None, ValidationError(message, code="rate_limited"))
        return _ask_page(request, form, status=429)
    if not form.is_valid():
        return _ask_page(request, form, status=400)
    rate_count(request)
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("website", "started")}
    inquiry = inquiry_create(channel=Inquiry.Channel.WEB, **data)
    # The confirmation goes out through the task backend, once the inquiry is committed.
    transaction.on_commit(lambda: send_confirmation.enqueue(inquiry.pk))
    return redirect("ask:thanks", token=signing.dumps(inquiry.pk, salt=THANKS_SALT))


def _ask_page(request: HttpRequest, form: AskForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "started_token": _started_token(request), "topic_autocomplete_url": reverse("ask:topics")}
    return render(request, "inquiries/ask.html", context, status=status)


def _started_token(request: HttpRequest) -> str:
    """Keep the start time of a resubmitted form (so time keeps counting), else start now."""
    token = request.POST.get("started", "")
    try:
        signing.loads(token, salt=FILL_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return fill_token()
    return token


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=THANKS_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    inquiry = Inquiry.objects.filter(pk=pk).only("reference", "due_date").first()
    if inquiry is None:
        raise Http404
    return render(request, "inquiries/ask_thanks.html", {"inquiry": inquiry})
