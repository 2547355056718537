"""Request ids and one log line per request and per task.

The request id comes from django-guid (the `X-Request-ID` header when a proxy sent a valid
one, else a new one) and lives in a context variable. `RequestLogFilter` adds it, and the
user id, to every log record; `request_log` writes one line per request; `task` is
django-tasks' decorator with the id carried into the task (a worker runs it in another
process) and one line per task run. Lines hold ids, paths, statuses and durations only:
never names, email addresses, question text or query strings.
"""

import contextvars
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_guid import get_guid, set_guid
from django_tasks.base import Task

logger = logging.getLogger("replydesk.request")
task_logger = logging.getLogger("replydesk.task")

REQUEST_ID_KWARG = "_request_id"
REQUEST_ID_HEADER = "X-Request-ID"
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


def current_request_id() -> str:
    return get_guid() or ""


def request_id_headers() -> dict[str, str]:
    """Headers for an outgoing email: the id of the request (or task) that sent it."""
    request_id = current_request_id()
    return {REQUEST_ID_HEADER: request_id} if request_id else {}


class RequestLogFilter(logging.Filter):
    """Adds request_id and user_id to every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid()
        record.user_id = _user_id.get()
        return True


def _cached_user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: logging must never cause a database query
    # (a request can end in an error precisely because the database is unreachable).
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


def request_log(get_response):
    """Middleware (right after django-guid's): one line per request, written when it ends."""

    def middleware(request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        status = 500
        try:
            response = get_response(request)
            status = response.status_code
            return response
        finally:
            token = _user_id.set(_cached_user_id(request))
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            fields = {"method": request.method, "path": request.path, "status": status, "duration_ms": duration_ms}
            level = logging.ERROR if status >= 500 else logging.INFO
            logger.log(level, "%(method)s %(path)s %(status)s %(duration_ms)sms", fields, extra=fields)
            _user_id.reset(token)

    return middleware


@dataclass(frozen=True, slots=True, kw_only=True)
class TracedTask(Task):
    """A task that carries the enqueuing request's id and logs one line per run."""

    def enqueue(self, *args, **kwargs):
        request_id = current_request_id()
        if request_id:
            kwargs[REQUEST_ID_KWARG] = request_id
        return Task.enqueue(self, *args, **kwargs)  # not super(): slots dataclasses break it

    def call(self, *args, **kwargs) -> Any:
        previous = get_guid()
        set_guid(kwargs.pop(REQUEST_ID_KWARG, None) or previous)
        start = time.perf_counter()
        status = "FAILED"
        try:
            result = Task.call(self, *args, **kwargs)
            status = "SUCCESSFUL"
            return result
        finally:
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            fields = {"path": self.module_path, "status": status, "duration_ms": duration_ms}
            level = logging.INFO if status == "SUCCESSFUL" else logging.ERROR
            task_logger.log(level, "task %(path)s %(status)s %(duration_ms)sms", fields, extra=fields)
            set_guid(previous)


def task(**options):
    """`@django_tasks.task(...)` for our tasks (same options), with the request id carried along."""

    def decorator(func) -> TracedTask:
        return TracedTask(func=func, **options)

    return decorator
