"""Desk pages of the library (search, topic), the suggestions as JSON, and the public name autocomplete."""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from lib import roles
from lib.markup import citation_keys, render_markdown
from library.models import Section, Topic, needs_review_q
from library.search import search_sections, search_topics
from library.services import section_mark_reviewed
from library.suggest import suggest

MAX_QUERY = 200
AUTOCOMPLETE_LIMIT = 10
REVIEW_PAGE_SIZE = 50
# Unknown dates count as the oldest; among equally old sections, the most-used first.
REVIEW_ORDERS = {
    "oldest": [F("last_updated").asc(nulls_first=True), "-times_used", "pk"],
    "used": ["-times_used", F("last_updated").asc(nulls_first=True), "pk"],
}


staff_required = roles.role_required(*roles.ALL_ROLES)
editor_required = roles.role_required(roles.LIBRARY_EDITOR)


def _get_topic(request: HttpRequest, pk: int) -> Topic:
    """The topic with its published sections (canonical order) and their references."""
    published = Section.objects.filter(status=Section.Status.PUBLISHED).prefetch_related("references")
    queryset = Topic.objects.prefetch_related(Prefetch("sections", queryset=published, to_attr="published"))
    topic = get_object_or_404(queryset, pk=pk)
    topic.published.sort(key=lambda s: (Section.kind_order(s.kind), s.pk))
    return topic


def _query(request: HttpRequest, name: str = "q") -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY]


@require_GET
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    topics = search_topics(q, limit=20) if q else []
    counts = dict(
        Topic.objects.filter(pk__in=[t.pk for t, _ in topics])
        .annotate(n=Count("sections", filter=Q(sections__status=Section.Status.PUBLISHED)))
        .values_list("pk", "n")
    )
    context = {
        "q": q,
        "topics": [(topic, score, counts.get(topic.pk, 0)) for topic, score in topics],
        "sections": search_sections(q, limit=20) if q else [],
        "can_review": roles.has_role(request.user, roles.LIBRARY_EDITOR),
    }
    return render(request, "library/search.html", context)


@require_GET
@staff_required
def topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    # Numbered by first appearance across the page, with one reference list, as in a letter.
    keys = citation_keys("\n".join(section.body for section in topic.published))
    numbers = {key: n for n, key in enumerate(keys, start=1)}
    refs = {ref.key: ref for section in topic.published for ref in section.references.all()}
    context = {
        "topic": topic,
        "sections": [(s, render_markdown(s.body, numbers=numbers)) for s in topic.published],
        "references": [(numbers[key], refs.get(key)) for key in keys],
    }
    return render(request, "library/topic.html", context)


@require_GET
@staff_required
def suggestions(request: HttpRequest) -> JsonResponse:
    """suggest() for the desk: ?q=QUESTION → the same JSON as `manage.py suggest --json`."""
    return JsonResponse(suggest(_query(request)).as_json())


@require_GET
@cache_control(public=True, max_age=300)
def topic_autocomplete(request: HttpRequest) -> JsonResponse:
    """Public (no login): ?q=TEXT → at most 10 topic names. Names only; nothing personal."""
    q = _query(request)[:100]
    names = [topic.name for topic, _ in search_topics(q, limit=AUTOCOMPLETE_LIMIT)] if len(q) >= 2 else []
    return JsonResponse({"topics": list(dict.fromkeys(names))})


@require_GET
@editor_required
def review_list(request: HttpRequest) -> HttpResponse:
    """Published sections whose date is unknown or stale: what editors should review next."""
    order = request.GET.get("order", "oldest")
    if order not in REVIEW_ORDERS:
        order = "oldest"
    sections = (Section.objects.filter(needs_review_q(), status=Section.Status.PUBLISHED)
                .select_related("topic").order_by(*REVIEW_ORDERS[order]))
    page = Paginator(sections, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/review.html", {"page": page, "order": order})


@require_POST
@editor_required
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=pk)
    section_mark_reviewed(section=section, by=request.user)
    messages.success(request, f"“{section.heading}” is marked reviewed today.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    return redirect(back or "library:review")
