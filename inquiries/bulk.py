"""Work on several inquiries at once from the queue: assign, close with a reason, merge two.

Each inquiry goes through the same service as on its own page (one transaction each), so one
that cannot move is reported and the others still are.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Inquiry, InquiryAttachment, InquiryEvent
from .services import AlreadyTaken, NotAllowed, inquiry_assign, inquiry_close_without_reply
from .workflow import IllegalTransition, can_move, record_event

S = Inquiry.Status


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # references
    failed: list[str] = field(default_factory=list)  # one message per inquiry left as it was


def _each(inquiries: Iterable[Inquiry], act) -> BulkResult:
    result = BulkResult()
    for inquiry in inquiries:
        try:
            act(inquiry)
        except (IllegalTransition, NotAllowed, AlreadyTaken, ValueError) as error:
            result.failed.append(f"{inquiry.reference}: {error}")
        else:
            result.done.append(inquiry.reference)
    return result


def inquiries_assign(*, inquiries: Iterable[Inquiry], to_user: AbstractBaseUser, by: AbstractBaseUser) -> BulkResult:
    return _each(inquiries, lambda inquiry: inquiry_assign(inquiry=inquiry, to_user=to_user, by=by))


def inquiries_close(
    *, inquiries: Iterable[Inquiry], reason: str, by: AbstractBaseUser, note: str = "",
    duplicate_of: Inquiry | None = None,
) -> BulkResult:
    return _each(
        inquiries,
        lambda inquiry: inquiry_close_without_reply(
            inquiry=inquiry, reason=reason, by=by, note=note, duplicate_of=duplicate_of
        ),
    )


class MergeError(Exception):
    """Two inquiries that cannot be merged; nothing was changed."""


def inquiry_merge(*, source: Inquiry, target: Inquiry, by: AbstractBaseUser) -> Inquiry:
    """Merge `source` into `target` (two inquiries from the same person about one question).

    The target gains a copy of every event of the source's timeline (with its original time, marked
    as merged), the source's attachments and topics; the source is closed as its duplicate and keeps
    its own timeline. Both timelines record the merge. Nothing is deleted.
    """
    if source.pk == target.pk:
        raise MergeError("Choose two different inquiries to merge.")
    with transaction.atomic():
        # Both rows locked, always in the same order, so two merges cannot deadlock.
        pair = Inquiry.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        locked = {inquiry.pk: inquiry for inquiry in pair}
        source, target = locked[source.pk], locked[target.pk]
        if source.requester_id != target.requester_id:
            raise MergeError("Only inquiries from the same person can be merged.")
        if not can_move(source.status, S.CLOSED_WITHOUT_REPLY) or target.status in (S.CLOSED, S.CLOSED_WITHOUT_REPLY):
            raise MergeError(
                f"{source.reference} ({source.get_status_display()}) cannot be merged into "
                f"{target.reference} ({target.get_status_display()})."
            )
        copies = [
            InquiryEvent(
                inquiry=target, action=event.action, actor_id=event.actor_id, from_status=event.from_status,
                to_status=event.to_status, note=event.note, created_at=event.created_at,
                data={**event.data, "merged_from": source.reference},
            )
            for event in source.events.all()
        ]
        InquiryEvent.objects.bulk_create(copies)
        moved = list(InquiryAttachment.objects.filter(inquiry=source).values_list("original_name", flat=True))
        InquiryAttachment.objects.filter(inquiry=source).update(inquiry=target)
        target.topics.add(*source.topics.all())
        record_event(inquiry=target, action="inquiry.merged_from", by=by, note=source.question,
                     data={"other": source.reference, "events": len(copies), "attachments": moved})
        record_event(inquiry=source, action="inquiry.merged_into", by=by,
                     data={"other": target.reference, "attachments": moved})
        inquiry_close_without_reply(inquiry=source, reason=Inquiry.CloseReason.DUPLICATE, by=by, duplicate_of=target)
    return target
