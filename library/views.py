"""Desk pages of the library (search, topic), the suggestions as JSON, and the public name autocomplete."""


from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from lib import roles
from lib.markup import citation_keys, render_markdown
from library.models import Section, Topic
from library.search import search_sections, search_topics
from library.suggest import suggest

MAX_QUERY = 200
AUTOCOMPLETE_LIMIT = 10


staff_required = roles.role_required(*roles.ALL_ROLES)


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
