"""The outbox: queue a reply for delivery, retry a failed one, download what went out.

States of a Delivery: queued → sending → sent, or sending → failed → (retry) queued.

- `delivery_queue` creates the Delivery in the same transaction that freezes the reply
  (reply status "sent": nobody edits a letter that is on its way), and enqueues the send
  task only after commit, so a worker never looks for a row that is not there yet.
- The send itself (`sending.delivery_send`, run by the task worker) sends each delivery once
  and archives exactly what went out.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from inquiries.workflow import record_event

from ..composer.services import sendable_statuses
from ..letter.assembly import assemble_letter
from ..models import LIVE_DELIVERY_STATUSES, BulkExport, Delivery, Reply
from .sending import DeliveryError, delivery_fail, delivery_mark_sent, delivery_outcome_unknown
from .tasks import send_delivery

LOST_TASK_AFTER = timedelta(minutes=10)  # a queued delivery no worker picked up by then is enqueued again


# --- Queue --------------------------------------------------------------------------------


def stale_headings(reply: Reply) -> list[str]:
    return [block.heading or f"block {block.position}" for block in reply.blocks.all() if block.is_stale]


def live_methods(reply: Reply) -> list[str]:
    """The methods by which the reply is sent or on its way (each may be used once)."""
    live = Delivery.objects.filter(reply=reply, status__in=LIVE_DELIVERY_STATUSES)
    return list(live.order_by("method").values_list("method", flat=True).distinct())


def _check_can_queue(reply: Reply, *, method: str, confirm_stale: bool) -> None:
    """Raises DeliveryError when the (locked) reply may not be sent now by `method`."""
    live = Delivery.objects.filter(reply=reply, method=method, status__in=LIVE_DELIVERY_STATUSES).exists()
    # A sent reply may go out again by the other method (emailed, and printed and posted too),
    # and by the same method when its deliveries that way all failed.
    resend = reply.status == Reply.Status.SENT and not live
    if live or (reply.status not in sendable_statuses() and not resend):
        raise DeliveryError("This reply is not ready to send, or it is on its way already this way.", code="status")
    letter = assemble_letter(reply)
    if not letter.is_sendable:
        raise DeliveryError(letter.not_sendable_because, code="too_long" if letter.too_long else "citations")
    stale = stale_headings(reply)
    if stale and not confirm_stale:
        raise DeliveryError(
            "Some sections have not been updated for a long time: " + "; ".join(stale) + ". Confirm to send anyway.",
            code="stale",
        )
    requester = reply.inquiry.requester
    if method == Delivery.Method.EMAIL and (not requester.email or requester.anonymised_at):
        raise DeliveryError("The requester has no email address: send a PDF letter instead.", code="no_email")
    if method not in Delivery.Method.values:
        raise DeliveryError("Unknown delivery method.", code="method")


def delivery_queue(
    *, reply: Reply, by: AbstractBaseUser, method: str, attach_pdf: bool = True, confirm_stale: bool = False
) -> Delivery:
    """Queue the reply for sending; the send task runs after commit."""
    now = timezone.now()
    with transaction.atomic():
        current = Reply.objects.select_for_update().select_related("inquiry__requester").get(pk=reply.pk)
        _check_can_queue(current, method=method, confirm_stale=confirm_stale)
        requester = current.inquiry.requester
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    reply=current,
                    method=method,
                    recipient_name=requester.name if not requester.anonymised_at else "",
                    recipient_email=requester.email if method == Delivery.Method.EMAIL else "",
                    attach_pdf=attach_pdf or method == Delivery.Method.LETTER,
                    created_by=by,
                    queued_at=now,
                )
        except IntegrityError as exc:  # the partial unique index: a live delivery exists already
            raise DeliveryError("This reply is on its way already.", code="status") from exc
        # Earlier failed deliveries are superseded (a person chose how to send it now): no more
        # automatic retries for them; their Retry button stays.
        Delivery.objects.filter(reply=current, status=Delivery.Status.FAILED).update(next_attempt_at=None)
        Reply.objects.filter(pk=current.pk).update(status=Reply.Status.SENT, version=F("version") + 1, updated_at=now)
        record_event(
            inquiry=current.inquiry,
            action="delivery.queued",
            by=by,
            data={"reply": current.pk, "delivery": delivery.pk, "method": method},
        )
        transaction.on_commit(lambda: enqueue_send(delivery.pk))
    reply.status = Reply.Status.SENT
    return delivery


def enqueue_send(delivery_id: int) -> None:
    send_delivery.enqueue(delivery_id)


# --- Retry --------------------------------------------------------------------------------


def delivery_retry(*, delivery: Delivery, by: AbstractBaseUser | None) -> Delivery:
    """failed → queued (the button, or `retry_deliveries` when its time has come)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("reply__inquiry").get(pk=delivery.pk)
        if locked.status != Delivery.Status.FAILED:
            raise DeliveryError("Only a failed delivery can be retried.", code="status")
        try:
            with transaction.atomic():
                Delivery.objects.filter(pk=locked.pk).update(
                    status=Delivery.Status.QUEUED, next_attempt_at=None, queued_at=now
                )
        except IntegrityError as exc:
            raise DeliveryError("Another delivery of this reply is on its way already.", code="status") from exc
        record_event(
            inquiry=locked.reply.inquiry,
            action="delivery.retried",
            by=by,
            data={"reply": locked.reply_id, "delivery": locked.pk, "automatic": by is None},
        )
        transaction.on_commit(lambda: enqueue_send(locked.pk))
    delivery.status = Delivery.Status.QUEUED
    return delivery


def deliveries_retry_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Retry the failed deliveries whose time has come; enqueue again the queued ones no worker
    picked up (a crash between commit and enqueue). Returns (retried, re-enqueued)."""
    now = now or timezone.now()
    retried = 0
    due = Delivery.objects.filter(status=Delivery.Status.FAILED, next_attempt_at__lte=now)
    for delivery in due.only("pk"):
        try:
            delivery_retry(delivery=delivery, by=None)
            retried += 1
        except DeliveryError:
            continue  # a person retried it meanwhile, or a newer delivery supersedes it
    lost = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, queued_at__lt=now - LOST_TASK_AFTER).values_list(
            "pk", flat=True
        )
    )
    for pk in lost:
        enqueue_send(pk)  # harmless if a worker has it after all: only one claim succeeds
    _release_stopped(now)
    return retried, len(lost)


def _release_stopped(now: datetime) -> None:
    """A worker that died while sending leaves its delivery "sending". When nothing can have
    gone out yet (no email built, or a PDF letter, which only renders), it fails and is
    retried; an email that may have reached the server goes to "outcome unknown", for a person."""
    stopped = Delivery.objects.filter(status=Delivery.Status.SENDING, started_at__lt=now - LOST_TASK_AFTER)
    safe = models.Q(method=Delivery.Method.LETTER) | models.Q(eml__isnull=True)
    for delivery in stopped.filter(safe).only("pk"):  # delivery_fail reads the row itself, under a lock
        delivery_fail(delivery=delivery, error="The worker stopped before sending; it will be retried.")
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(next_attempt_at=now)
    for delivery in stopped.exclude(safe).only("pk"):
        delivery_outcome_unknown(delivery=delivery, error="The worker stopped while sending the email.")


STOPPED_TASK_AFTER = timedelta(hours=1)  # longer than any task runs: a bulk export of 500 letters


def tasks_mark_stopped(*, now: datetime | None = None) -> tuple[int, int]:
    """Tasks a killed worker left "running" in the database queue (django_tasks_db) for longer
    than any task runs are marked failed, and so are the bulk exports they were rendering.
    Returns (tasks, exports). The deliveries they were sending are _release_stopped's."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    stopped = list(running.filter(started_at__lt=now - STOPPED_TASK_AFTER))
    tasks = running.filter(pk__in=[t.pk for t in stopped]).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="replies.outbox.deliveries.WorkerStopped",
        traceback=f"The worker stopped while running this task; marked failed at {now.isoformat()}.",
    )
    export_ids = [t.args_kwargs["args"][0] for t in stopped if t.task_path.endswith(".render_bulk_export")]
    exports = BulkExport.objects.filter(pk__in=export_ids, status=BulkExport.Status.RUNNING).update(
        status=BulkExport.Status.FAILED, error="The worker stopped while rendering: start the export again.",
        finished_at=now,
    )
    return tasks, exports


# --- Outcome unknown: a person decides ------------------------------------------------------


def _unknown(delivery: Delivery) -> Delivery:
    locked = Delivery.objects.select_for_update().select_related("reply__inquiry", "created_by").get(pk=delivery.pk)
    if locked.status != Delivery.Status.UNKNOWN:
        raise DeliveryError("Only a delivery whose outcome is unknown waits for this choice.", code="status")
    return locked


def delivery_confirm_arrived(*, delivery: Delivery, by: AbstractBaseUser) -> Delivery:
    """outcome unknown → sent: a person checked that the message arrived."""
    with transaction.atomic():
        locked = _unknown(delivery)
        delivery_mark_sent(delivery=locked, from_status=Delivery.Status.UNKNOWN, by=by)
    return locked


def delivery_send_again(*, delivery: Delivery, by: AbstractBaseUser) -> Delivery:
    """outcome unknown → failed (a person says it did not arrive), and the same letter queued
    again as a new delivery: the first one keeps its archive and Message-ID."""
    with transaction.atomic():
        locked = _unknown(delivery)
        note = f"Did not arrive, says {by.get_username()}: sent again."
        Delivery.objects.filter(pk=locked.pk).update(
            status=Delivery.Status.FAILED, next_attempt_at=None, last_error=f"{locked.last_error}\n{note}"[:2000]
        )
        record_event(inquiry=locked.reply.inquiry, action="delivery.not_arrived", by=by, note=note,
                     data={"reply": locked.reply_id, "delivery": locked.pk})
        return delivery_queue(reply=locked.reply, by=by, method=locked.method, attach_pdf=locked.attach_pdf,
                              confirm_stale=True)


# --- Archive downloads ------------------------------------------------------------------------

ARCHIVE_KINDS = {"eml": ("eml", "eml_sha256", "message/rfc822"), "pdf": ("pdf", "pdf_sha256", "application/pdf")}


def delivery_download(*, delivery: Delivery, by: AbstractBaseUser, kind: str) -> tuple[bytes, str]:
    """The archived bytes of one kind ("eml" or "pdf") and their content type; logged in the timeline."""
    field, hash_field, content_type = ARCHIVE_KINDS[kind]
    data = getattr(delivery, field)
    # A bounced email went out too, and one of unknown outcome may have: what was sent stays readable.
    if delivery.status not in (Delivery.Status.SENT, Delivery.Status.BOUNCED, Delivery.Status.UNKNOWN) or not data:
        raise DeliveryError("There is no archived copy of that kind for this delivery.", code="no_archive")
    record_event(
        inquiry=delivery.reply.inquiry,
        action="delivery.downloaded",
        by=by,
        data={"delivery": delivery.pk, "kind": kind, "sha256": getattr(delivery, hash_field)},
    )
    return bytes(data), content_type
