"""The client's address behind our own reverse proxy."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ForwardedForMiddleware:
    """With USE_X_FORWARDED_FOR, REMOTE_ADDR becomes the last X-Forwarded-For address.

    The last one is the address our proxy saw and appended; earlier ones are whatever the
    client sent and can be forged. Off (the default), REMOTE_ADDR is left as the server set it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.USE_X_FORWARDED_FOR:
            forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            if forwarded:
                request.META["REMOTE_ADDR"] = forwarded[-1]
        return self.get_response(request)
