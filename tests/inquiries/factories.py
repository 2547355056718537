"""Small factories for inquiries tests."""

import datetime as dt
import itertools

from django.utils import timezone

from inquiries.models import Inquiry, Requester
from inquiries.services import due_date_for

_numbers = itertools.count(1)


def make_requester(name: str = "Pat Doe", email: str = "pat@example.org", **fields) -> Requester:
    return Requester.objects.create(name=name, email=email, **fields)


def make_inquiry(requester: Requester | None = None, *, received_at: dt.datetime | None = None, **fields) -> Inquiry:
    received_at = received_at or timezone.now()
    fields.setdefault("question", "What causes scleromyxedema and how is it treated?")
    fields.setdefault("due_date", due_date_for(received_at))
    return Inquiry.objects.create(
        reference=f"T-{next(_numbers):06d}",
        requester=requester or make_requester(),
        received_at=received_at,
        **fields,
    )
