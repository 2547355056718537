"""The public question form at /ask/: no login, English or Spanish."""

import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.forms import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import FILL_SALT, START_TOKEN_MAX_AGE, AskForm, fill_token
from .models import Inquiry
from .services import inquiry_create
from .tasks import send_confirmation

THANKS_SALT = "inquiries.ask.thanks"
RATE_WINDOW = 3600
logger = logging.getLogger(__name__)


def _rate_key(request: HttpRequest) -> str:
    # REMOTE_ADDR: the client's address (USE_X_FORWARDED_FOR behind a proxy, see README).
    return f"inquiries:ask-rate:{request.META.get('REMOTE_ADDR', '')}"


def rate_slot_take(request: HttpRequest) -> str | None:
    """Claim one of the address's slots for the hour, or None when all are taken.

    Claim first, then decide: `cache.add` sets a key only if it is absent, atomically on
    Redis, the database cache and the in-process cache alike, so of any number of
    simultaneous posts exactly as many as the limit get a slot. (A separate read, compare
    and increment let 9-11 of 16 simultaneous posts through a limit of 5.)"""
    base = _rate_key(request)
    for number in range(settings.INQUIRY_RATE_LIMIT_PER_HOUR):
        if cache.add(f"{base}:{number}", 1, RATE_WINDOW):
            return f"{base}:{number}"
    return None


def _start_token_key(token: str) -> str:
    return f"inquiries:ask-started:{hashlib.sha256(token.encode()).hexdigest()}"


def start_token_use(token: str) -> bool:
    """Mark a form's start token as used; False if it was used before (single use)."""
    return cache.add(_start_token_key(token), 1, START_TOKEN_MAX_AGE)


def _refuse(request: HttpRequest, form: AskForm, message: str, code: str, status: int) -> HttpResponse:
    form.add_error(None, ValidationError(message, code=code))
    return _ask_page(request, form, status=status)


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _ask_page(request, AskForm(initial={"language": request.LANGUAGE_CODE}))
    form = AskForm(request.POST)
    if not form.is_valid():
        return _ask_page(request, form, status=400)
    slot = rate_slot_take(request)
    if slot is None:
        message = _("Too many questions from your network in the last hour. Please try again later.")
        return _refuse(request, form, message, "rate_limited", 429)
    token = request.POST["started"]
    if not start_token_use(token):
        cache.delete(slot)
        message = _("This form has already been sent. If you want to ask another question, please submit it again.")
        return _refuse(request, form, message, "token_used", 400)
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("website", "started")}
    try:
        inquiry = inquiry_create(channel=Inquiry.Channel.WEB, **data)
    except DatabaseError:
        # Nothing was saved: the person keeps their text, their slot and their form.
        logger.exception("The public form could not save a question")
        cache.delete(slot)
        cache.delete(_start_token_key(token))
        message = _("We could not save your question just now. Nothing is lost: please try again in a minute.")
        response = _refuse(request, form, message, "save_failed", 503)
        response["Retry-After"] = "60"
        return response
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
        signing.loads(token, salt=FILL_SALT, max_age=START_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return fill_token()
    return fill_token() if cache.get(_start_token_key(token)) else token


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=THANKS_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    inquiry = Inquiry.objects.filter(pk=pk).only("reference", "due_date").first()
    if inquiry is None:
        raise Http404
    return render(request, "inquiries/ask_thanks.html", {"inquiry": inquiry})
