"""The composer: start a reply, edit its blocks, preview the letter, review it.

Every change is a POST that redirects back to the composer (so it works without
JavaScript); htmx swaps the composer in place when it is there.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inquiries.selectors import get_inquiry
from lib import roles
from lib.markup import citation_keys, render_markdown
from lib.roles import has_role
from library.corrections import kind_correct
from library.models import Reference, Section
from library.suggest import suggest

from ..fetch import get_reply
from ..letter.assembly import assemble_letter, number_citations
from ..letter.render import letter_html
from ..models import Reply, ReplyBlock
from . import services
from .forms import (
    AddSectionForm,
    AddStandardForm,
    BlockEditForm,
    CustomBlockForm,
    KindForm,
    MoveForm,
    PreviewForm,
    RefreshForm,
    ReturnForm,
    StartForm,
    StartFromLetterForm,
    SubmitForm,
    TitleForm,
    UseTopicForm,
    VersionForm,
)
from .selectors import (
    block_drifts,
    contributor_names,
    date_warnings,
    diff_html,
    library_side,
    stale_block_ids,
    standard_text_options,
    text_modules,
    with_block_urls,
)


def _back(reply: Reply, anchor: str = "") -> HttpResponse:
    return redirect(reply.get_absolute_url() + anchor)


def _change(request: HttpRequest, reply: Reply, form_class: type[Form], service: Callable[..., object],
            done: str = "", keep: str = "", kept: str = "", warn_dates: bool = False, **extra) -> HttpResponse:
    """One change of the reply: the form's data (and `extra`) go to the service; a refusal or a
    conflict becomes a message, never a lost change. `done` may name the form's fields; with
    `warn_dates`, a success also says which copied sections have unknown or stale dates.

    With `keep` (the form's name in the composer), a conflict shows the composer as it is now
    with the form filled in again, and says `kept`, which may name `current` and the fields."""
    form = form_class(request.POST)
    if not form.is_valid():
        return _invalid(request, reply, form)
    data = form.cleaned_data
    try:
        service(reply=reply, by=request.user, **data, **extra)
    except services.ReplyConflict as conflict:
        if not keep:
            messages.error(request, str(conflict))
            return _back(reply)
        messages.error(request, f"{conflict} {kept.format(current=conflict.current, **data)}")
        context = composer_context(request, conflict.current)
        context[keep] = form_class(initial={**data, "version": conflict.current.version})
        return render(request, "replies/compose.html", context, status=_refused(request))
    except services.ReplyError as error:
        messages.error(request, str(error))
    else:
        if done:
            messages.success(request, done.format(**form.cleaned_data))
        if warn_dates:
            for warning in date_warnings(list(reply.blocks.all())):
                messages.warning(request, warning)
    return _back(reply)


def _invalid(request: HttpRequest, reply: Reply, form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _back(reply)


def _refused(request: HttpRequest, status: int = 409) -> int:
    # htmx swaps no 4xx response by default; the page that explains the refusal must show.
    return 200 if request.htmx else status


@login_required
@require_POST
def start(request: HttpRequest, inquiry_pk: int) -> HttpResponse:
    inquiry = get_inquiry(request.user, inquiry_pk, act=True)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to start the reply.")
        return redirect(inquiry.get_absolute_url())
    reply = services.reply_start(inquiry=inquiry, by=request.user, sections=form.cleaned_data["sections"],
                                 title=form.cleaned_data["title"])
    return redirect(reply)


def composer_context(request: HttpRequest, reply: Reply) -> dict:
    # The blocks and topics once, for the block list, the letter and the library column.
    blocks_with_sources = Prefetch("blocks", ReplyBlock.objects.select_related("section__topic"))
    prefetch_related_objects([reply], blocks_with_sources, "inquiry__topics")
    blocks = with_block_urls(reply, list(reply.blocks.all()))
    letter = assemble_letter(reply)
    topic_id = request.GET.get("topic")
    stale = stale_block_ids(blocks)
    can_edit = reply.status == Reply.Status.DRAFTING and has_role(request.user, *roles.CASE_WRITERS)
    refused = services.approval_refused(reply, request.user)
    is_reviewer = has_role(request.user, roles.REVIEWER) and not refused
    return {
        "reply": reply,
        "inquiry": reply.inquiry,
        "blocks": blocks,
        "letter": letter,
        "preview": letter_html(letter),
        "drifts": block_drifts(blocks),
        "stale_ids": stale,
        "date_warnings": date_warnings(blocks),
        "in_letter": {block.section_id for block in blocks if block.section_id},
        "library": library_side(reply, query=request.GET.get("q", "")[:200],
                                topic_id=int(topic_id) if topic_id and topic_id.isdigit() else None),
        "standard_texts": standard_text_options(reply.language),
        "can_edit": can_edit,
        "can_review": reply.status == Reply.Status.IN_REVIEW and is_reviewer,
        "approval_refused": refused,
        "contributors": contributor_names(reply),
        "review_required": settings.REPLY_REVIEW_REQUIRED,
        "send_url": reverse("deliveries:send", args=[reply.pk])
        if reply.status in services.sendable_statuses() and letter.is_sendable
        else None,
        "title_form": TitleForm(initial={"title": reply.title, "version": reply.version}),
        "custom_form": CustomBlockForm(initial={"version": reply.version}),
        "return_form": ReturnForm(initial={"version": reply.version}),
    }


@login_required
@require_GET
def compose(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk)
    template = "replies/_composer.html" if request.htmx else "replies/compose.html"
    return render(request, template, composer_context(request, reply))


@login_required
@require_POST
def title(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    # Nothing typed is lost: their title is saved, yours comes back in the form.
    return _change(request, reply, TitleForm, services.reply_update, keep="title_form",
                   kept="Their title: “{current.title}”. Yours: “{title}” (still in the form).")


@login_required
@require_POST
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, AddSectionForm, services.reply_block_add, done="Added “{section.heading}”.",
                   warn_dates=True)


@login_required
@require_POST
def use_topic(request: HttpRequest, pk: int) -> HttpResponse:
    """"Did you mean ...?": yes. The topic's sections for the question go into the letter."""
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, UseTopicForm, services.reply_use_topic,
                   done="Using {topic.name}: its sections for this question are in the letter.", warn_dates=True)


@login_required
@require_POST
def add_standard(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, AddStandardForm, services.reply_block_add)


@login_required
@require_POST
def add_custom(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, CustomBlockForm, services.reply_block_add, keep="custom_form",
                   kept="Your paragraph is still in the form below: add it again.")


@login_required
@require_POST
def move(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, MoveForm, services.reply_block_move, block_id=block_id)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, VersionForm, services.reply_block_remove, block_id=block_id)


@login_required
@require_POST
def refresh(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, RefreshForm, services.reply_block_refresh, block_id=block_id,
                   done="The section now reads as in the library.")


@login_required
@require_POST
def start_from_letter(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    return _change(request, reply, StartFromLetterForm, services.reply_start_from_letter,
                   done="Copied the sections of the letter sent {letter.sent_at:%m/%d/%Y}, as they were sent: "
                        "check the warnings on them.")


@login_required
@require_POST
def kind(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what the question asks for; recorded for the suggestions and the next training."""
    reply = get_reply(request.user, pk, write=True)
    form = KindForm(request.POST)
    if not form.is_valid():
        return _invalid(request, reply, form)
    kind, asked = form.cleaned_data["kind"], form.cleaned_data["asked"]
    question = reply.inquiry.question
    try:
        suggested = suggest(question, language=reply.inquiry.language).kinds
        kind_correct(question=question, kind=kind, asked=asked, suggested=suggested, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        label = Section.Kind(kind).label.lower()
        messages.success(request, f"Noted: the question {'asks' if asked else 'does not ask'} about {label}.")
    return _back(reply, "#library")


def _edit_page(request, reply, block, form, *, status=200, conflict=None, preview=None) -> HttpResponse:
    context = {"reply": reply, "edited": block, "form": form, "conflict": conflict, "preview": preview,
               "modules": text_modules(reply)}
    if conflict is not None and block is not None:
        theirs = f"{block.heading}\n\n{block.body}"
        yours = f"{form.data.get('heading', '')}\n\n{form.data.get('body', '')}"
        context["conflict_diff"] = diff_html(theirs, yours)
    return render(request, "replies/block_edit.html", context, status=status)


def _block_gone(request: HttpRequest, reply: Reply) -> HttpResponse:
    """Someone removed the block while this editor worked on it: keep their text on screen."""
    if request.method == "GET":
        raise Http404
    form = BlockEditForm({**request.POST.dict(), "version": reply.version})
    form.is_valid()
    conflict = services.ReplyConflict(reply, int(request.POST.get("version") or 0))
    return _edit_page(request, reply, None, form, status=_refused(request), conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, block_id: int) -> HttpResponse:
    reply = get_reply(request.user, pk, write=True)
    block = ReplyBlock.objects.filter(pk=block_id, reply=reply).first()
    if block is None:
        return _block_gone(request, reply)
    if request.method == "GET":
        form = BlockEditForm(initial={"heading": block.heading, "body": block.body, "version": reply.version})
        return _edit_page(request, reply, block, form)
    form = BlockEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, reply, block, form, status=_refused(request, 400))
    if "preview" in request.POST:
        return _edit_page(request, reply, block, form, preview=_preview_html(form.cleaned_data["body"]))
    data = form.cleaned_data
    try:
        services.reply_block_edit(reply=reply, version=data["version"], by=request.user, block_id=block.pk,
                                  heading=data["heading"], body=data["body"])
    except services.ReplyConflict as conflict:
        # Refused: show their text next to yours, and keep yours in the form to merge.
        current = ReplyBlock.objects.filter(pk=block.pk).first()
        merged = BlockEditForm({**request.POST.dict(), "version": conflict.current.version})
        merged.is_valid()
        return _edit_page(request, conflict.current, current, merged, status=_refused(request), conflict=conflict)
    except services.ReplyError as error:
        messages.error(request, str(error))
    return _back(reply, f"#composer-block-{block.pk}")


def _preview_html(body: str) -> str:
    keys = citation_keys(body)
    known = set(Reference.objects.filter(key__in=keys).values_list("key", flat=True))
    return render_markdown(body, numbers=number_citations(keys, known))


@login_required
@require_POST
def preview_markdown(request: HttpRequest) -> HttpResponse:
    """A block's Markdown as the letter will show it (htmx, while typing). Changes nothing."""
    roles.require_role(request.user, *roles.CASE_WRITERS)
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "replies/_markdown_preview.html", {"preview": _preview_html(body)})


REVIEW_ACTIONS = {
    "submit": (services.reply_submit, SubmitForm, "Submitted for review."),
    "approve": (services.reply_approve, VersionForm, "Approved: the reply may be sent."),
    "return": (services.reply_return, ReturnForm, "Returned to the author with your comment."),
    "ready": (services.reply_mark_ready, SubmitForm, "Marked ready: the reply may be sent."),
    "reopen": (services.reply_reopen, VersionForm, "Back to drafting."),
}
# The moments a letter is vouched for: each says again what is known about its dates.
WARN_DATES_ON = ("submit", "approve", "ready")


@login_required
@require_POST
def review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REVIEW_ACTIONS:
        raise Http404
    # A reviewer (who may hold no writing role) approves or returns; the rest is the writers'.
    reply = get_reply(request.user, pk, write=action not in ("approve", "return"))
    service, form_class, done = REVIEW_ACTIONS[action]
    return _change(request, reply, form_class, service, done=done, warn_dates=action in WARN_DATES_ON)
