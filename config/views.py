"""Project-level views: the health check a load balancer or monitor calls."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max, Min, Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from replies.models import Delivery

HEALTH_CACHE_KEY = "healthz"


def _seconds_since(moment) -> float | None:
    return round((timezone.now() - moment).total_seconds(), 1) if moment else None


def _cache_reachable() -> bool:
    try:
        cache.set(HEALTH_CACHE_KEY, "ok", 10)
        return cache.get(HEALTH_CACHE_KEY) == "ok"
    except Exception:  # any backend error (Redis down, refused, timeout) means "not reachable"
        return False


def _database_figures() -> dict:
    tasks = DBTaskResult.objects.aggregate(
        oldest_queued=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY)),
        last_finished=Max("finished_at"),
    )
    return {
        "oldest_queued_task_age_seconds": _seconds_since(tasks["oldest_queued"]),
        "seconds_since_worker_finished_task": _seconds_since(tasks["last_finished"]),
        "deliveries_outcome_unknown": Delivery.objects.filter(status=Delivery.Status.UNKNOWN).count(),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Counts and ages only: no login needed, so nothing about a person or a letter."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        figures = _database_figures()
    except DatabaseError:
        return JsonResponse({"database": False, "cache": _cache_reachable()}, status=503)
    return JsonResponse({"database": True, "cache": _cache_reachable(), **figures})
