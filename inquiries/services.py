"""Writes on inquiries: creation, assignment, closing, notes, topics, attachments.

Status changes go through inquiries.workflow.inquiry_transition (the single place that checks
a move, saves and writes the timeline row); the services here add what each move needs.
"""

import datetime as dt
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lib import roles
from lib.redact import REMOVED, identifying_values, redactor
from library.suggest import suggest

from .attachments import attachment_type
from .models import (
    Inquiry,
    InquiryAttachment,
    InquiryEvent,
    Notification,
    ReferenceCounter,
    Requester,
    SavedFilter,
)
from .notifications import notify
from .workflow import (
    ALLOWED_MOVES,
    CLOSED_STATUSES,
    IllegalTransition,
    add_business_days,
    can_move,
    inquiry_transition,
    record_event,
)

S = Inquiry.Status
TAKEABLE_STATUSES = (S.NEW, S.WAITING)
# The moves a plain desk button may make. Drafting, in review, ready and sent are set by the
# replies app as a letter is drafted, reviewed and sent, so review and the archived delivery
# cannot be skipped.
DESK_MOVES = (S.NEW, S.ASSIGNED, S.WAITING, S.CLOSED)


class AlreadyTaken(Exception):
    """Someone else holds the inquiry; nothing was changed."""

    def __init__(self, inquiry: Inquiry, holder: AbstractBaseUser | None):
        self.inquiry = inquiry
        self.holder = holder
        who = holder.get_username() if holder is not None else "someone else"
        super().__init__(f"{inquiry.reference} is already taken by {who}.")


class NotAllowed(Exception):
    """The user's role does not allow this; nothing was changed."""


# --- Reference numbers and due dates ----------------------------------------------------


def format_reference(year: int, number: int) -> str:
    return f"RD-{year}-{number:06d}"


def reference_allocate(*, year: int, count: int = 1) -> int:
    """Reserve `count` consecutive numbers for `year`; returns the first one.

    The counter row is locked (select_for_update) so two processes never get the same
    number; on SQLite the IMMEDIATE transaction serialises writers the same way.
    """
    with transaction.atomic(savepoint=False):  # nothing here to roll back on its own
        counter = ReferenceCounter.objects.select_for_update().filter(year=year).first()
        if counter is None:  # the year's first number
            ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
            counter = ReferenceCounter.objects.select_for_update().get(year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return first


def due_date_for(received_at: dt.datetime) -> dt.date:
    return add_business_days(timezone.localdate(received_at), settings.INQUIRY_DUE_BUSINESS_DAYS)


# --- Topics ---------------------------------------------------------------------------------


def suggested_topics(text: str, limit: int = 5) -> list:
    """The topics the question names as the library spells them (a typo-tolerant reading is only a
    "did you mean ...?" in the composer, never a topic of the inquiry by itself)."""
    return suggest(text).exact_topics[:limit]


def inquiry_set_topics(*, inquiry: Inquiry, topics: Iterable, by: AbstractBaseUser | None) -> Inquiry:
    """Replace the inquiry's topics and note the change in the timeline."""
    new = list(topics)
    with transaction.atomic():
        before = sorted(t.name for t in inquiry.topics.all())
        inquiry.topics.set(new)
        after = sorted(t.name for t in new)
        if before != after:
            record_event(
                inquiry=inquiry,
                action="inquiry.topics_changed",
                by=by,
                data={"before": before, "after": after},
            )
    return inquiry


def inquiry_flag_research(*, inquiry: Inquiry, needed: bool, by: AbstractBaseUser | None, note: str = "") -> bool:
    """Flag (or clear) "research needed" and note it in the timeline; False when it already was so."""
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.research_needed == needed:
            return False
        locked.research_needed = needed
        locked.save(update_fields=["research_needed", "updated_at"])
        action = "inquiry.research_needed" if needed else "inquiry.research_done"
        record_event(inquiry=locked, action=action, by=by, note=note)
    inquiry.research_needed = needed
    return True


# --- Creation ------------------------------------------------------------------------------


CONTACT_FIELDS = ("name", "phone", "country", "postal_address", "role", "language", "consent_to_keep")


def requester_for(*, name: str, email: str, **contact: Any) -> Requester:
    """The requester with this email, unchanged, or a new one.

    Anyone can type (or send from) anyone's address, so what arrives never overwrites a stored
    requester: it is kept on the inquiry (contact_given), and a specialist may apply it with
    requester_update_from_inquiry."""
    email = email.strip().lower()
    requester = None
    if email:
        requester = Requester.objects.filter(email=email, anonymised_at__isnull=True).order_by("-created_at").first()
    if requester is None:
        requester = Requester.objects.create(name=name.strip(), email=email, **contact)
    return requester


def requester_update_from_inquiry(*, inquiry: Inquiry, by: AbstractBaseUser) -> Requester:
    """A specialist takes the contact details typed with this inquiry over into the requester."""
    if not roles.has_role(by, *roles.CASE_WRITERS):
        raise NotAllowed("Only specialists can change a requester.")
    given = {k: v for k, v in inquiry.contact_given.items() if k in CONTACT_FIELDS and v not in ("", None)}
    with transaction.atomic():
        requester = Requester.objects.select_for_update().get(pk=inquiry.requester_id)
        if requester.anonymised_at is not None:
            raise NotAllowed("This requester's contact data has been removed.")
        changed = [field for field, value in given.items() if getattr(requester, field) != value]
        for field in changed:
            setattr(requester, field, given[field])
        if changed:
            requester.save(update_fields=changed)
            record_event(inquiry=inquiry, action="requester.updated", by=by, data={"fields": changed})
    inquiry.requester = requester
    return requester


def inquiry_create(
    *,
    name: str,
    email: str,
    question: str,
    channel: str = Inquiry.Channel.WEB,
    received_at: dt.datetime | None = None,
    by: AbstractBaseUser | None = None,
    phone: str = "",
    country: str = "",
    postal_address: str = "",
    role: str = Requester.Role.OTHER,
    language: str = "en",
    consent_to_keep: bool = False,
    condition: str = "",
    attachment: UploadedFile | None = None,
) -> Inquiry:
    """Record a new inquiry with its reference number, due date, topics and first event."""
    received_at = received_at or timezone.now()
    # Suggestion reads the library only: done before the write transaction starts.
    topics = suggested_topics(f"{condition}\n{question}".strip())
    year = timezone.localtime(received_at).year
    with transaction.atomic():
        contact = {"phone": phone, "country": country, "postal_address": postal_address, "role": role,
                   "language": language, "consent_to_keep": consent_to_keep}
        requester = requester_for(name=name, email=email, **contact)
        number = reference_allocate(year=year)
        inquiry = Inquiry.objects.create(
            reference=format_reference(year, number),
            requester=requester,
            contact_given={"name": name.strip(), "email": email.strip().lower(), **contact},
            channel=channel,
            condition=condition.strip(),
            question=question.strip(),
            language=language,
            received_at=received_at,
            due_date=due_date_for(received_at),
        )
        inquiry.topics.add(*topics)  # a new inquiry has none: nothing to compare with, unlike set()
        record_event(
            inquiry=inquiry,
            action="inquiry.created",
            by=by,
            to_status=inquiry.status,
            data={"channel": channel, "topics": [t.name for t in topics]},
        )
        if attachment is not None:
            inquiry_attach(inquiry=inquiry, upload=attachment, by=by)
    return inquiry


def inquiry_attach(*, inquiry: Inquiry, upload: UploadedFile, by: AbstractBaseUser | None) -> InquiryAttachment:
    attachment = InquiryAttachment(
        inquiry=inquiry,
        original_name=upload.name[:255],
        content_type=attachment_type(upload.name) or "application/octet-stream",
        size=upload.size or 0,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    record_event(inquiry=inquiry, action="inquiry.attached", by=by, data={"file": attachment.original_name})
    return attachment


# --- Assignment ----------------------------------------------------------------------------


def _last_event(inquiry: Inquiry, action: str) -> InquiryEvent:
    """The event just written for `action` (inside the same transaction)."""
    return InquiryEvent.objects.filter(inquiry_id=inquiry.pk, action=action).latest("created_at", "id")


def _holder(inquiry_id: int) -> AbstractBaseUser | None:
    row = Inquiry.objects.select_related("assignee").only("assignee").get(pk=inquiry_id)
    return row.assignee


def _give(*, inquiry: Inquiry, locked: Inquiry, to_user: AbstractBaseUser, by, data: dict) -> Inquiry:
    """Make `to_user` the holder. A new (or closed: reopened) inquiry moves to assigned; one
    further along keeps its status and only changes hands. Call inside the lock's transaction."""
    if locked.status in (S.NEW, *CLOSED_STATUSES):
        inquiry_transition(
            inquiry=inquiry, to=S.ASSIGNED, by=by, action="inquiry.assigned", data=data, assignee=to_user
        )
    else:
        locked.assignee = to_user
        locked.save(update_fields=["assignee", "updated_at"])
        record_event(
            inquiry=locked, action="inquiry.assigned", by=by, from_status=locked.status, to_status=locked.status,
            data=data,
        )
        inquiry.assignee = to_user
    # Nobody is told of their own take.
    notify(users=[to_user], event=_last_event(inquiry, "inquiry.assigned"), kind=Notification.Kind.ASSIGNED)
    return inquiry


def inquiry_take(*, inquiry: Inquiry, by: AbstractBaseUser) -> Inquiry:
    """`by` claims an unassigned inquiry. Of two simultaneous takers exactly one wins;
    the other gets AlreadyTaken naming the holder."""
    if not roles.has_role(by, roles.SPECIALIST, roles.SUPERVISOR):
        raise NotAllowed("Only specialists can take inquiries.")
    with transaction.atomic():
        # PostgreSQL: the row lock makes the second taker wait here, then see the owner.
        locked = Inquiry.objects.select_for_update().only("id", "reference", "assignee", "status").get(pk=inquiry.pk)
        if locked.assignee_id is not None:
            raise AlreadyTaken(inquiry, _holder(inquiry.pk))
        if locked.status not in TAKEABLE_STATUSES:
            raise IllegalTransition(locked, S.ASSIGNED)
        # SQLite (no row locks): the conditional update is the claim; only one can match.
        claimed = Inquiry.objects.filter(pk=inquiry.pk, assignee__isnull=True).update(assignee=by)
        if not claimed:
            raise AlreadyTaken(inquiry, _holder(inquiry.pk))
        data = {"assignee": by.get_username(), "taken": True}
        return _give(inquiry=inquiry, locked=locked, to_user=by, by=by, data=data)


def inquiry_assign(*, inquiry: Inquiry, to_user: AbstractBaseUser, by: AbstractBaseUser) -> Inquiry:
    """A supervisor gives the inquiry to a specialist (or moves it to another one)."""
    if not roles.has_role(by, roles.SUPERVISOR):
        raise NotAllowed("Only supervisors can assign inquiries.")
    if not roles.has_role(to_user, roles.SPECIALIST):
        raise NotAllowed(f"{to_user.get_username()} is not a specialist.")
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.assignee_id == to_user.pk:
            return inquiry
        data = {"assignee": to_user.get_username()}
        if locked.assignee_id:
            data["previous"] = _holder(inquiry.pk).get_username()
        return _give(inquiry=inquiry, locked=locked, to_user=to_user, by=by, data=data)


# --- Other moves -----------------------------------------------------------------------------


def inquiry_release(*, inquiry: Inquiry, by: AbstractBaseUser, note: str = "") -> Inquiry:
    """Give an assigned inquiry back to the unassigned pile."""
    return inquiry_transition(inquiry=inquiry, to=S.NEW, by=by, note=note, action="inquiry.released", assignee=None)


def inquiry_wait(*, inquiry: Inquiry, by: AbstractBaseUser, note: str = "") -> Inquiry:
    """We asked the requester something and wait for the answer."""
    return inquiry_transition(inquiry=inquiry, to=S.WAITING, by=by, note=note, action="inquiry.waiting")


def inquiry_requester_replied(
    *, inquiry: Inquiry, by: AbstractBaseUser | None = None, note: str = "", data: dict | None = None
) -> Inquiry:
    """The requester answered (by email, phone or letter): the answer joins the timeline and the
    assignee is told. A waiting inquiry resumes where it was before we asked (or goes to the
    unassigned pile), its due date moved on by the business days spent waiting (the paused clock)."""
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=inquiry.pk)
        event = record_event(inquiry=locked, action="inquiry.requester_replied", by=by, note=note, data=data)
        if locked.status == S.WAITING:
            inquiry_transition(inquiry=inquiry, to=_resume_to(locked), by=by, action="inquiry.resumed_work")
        if locked.assignee is not None:
            notify(users=[locked.assignee], event=event, kind=Notification.Kind.REQUESTER_REPLIED)
    return inquiry


def _resume_to(inquiry: Inquiry) -> str:
    """The status the inquiry had when it started waiting (the latest move into waiting)."""
    before = (
        InquiryEvent.objects.filter(inquiry=inquiry, to_status=S.WAITING)
        .order_by("-created_at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    if before in (S.ASSIGNED, S.DRAFTING) and inquiry.assignee_id:
        return before
    return S.ASSIGNED if inquiry.assignee_id else S.NEW


def inquiry_close_without_reply(
    *, inquiry: Inquiry, reason: str, by: AbstractBaseUser, note: str = "", duplicate_of: Inquiry | None = None
) -> Inquiry:
    """Close with a reason (spam, duplicate of another inquiry, out of scope)."""
    if reason not in Inquiry.CloseReason.values:
        raise ValueError(f"Unknown close reason: {reason}")
    if reason == Inquiry.CloseReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == inquiry.pk:
            raise ValueError("A duplicate needs the other inquiry it duplicates.")
    else:
        duplicate_of = None
    data: dict[str, Any] = {"reason": reason}
    if duplicate_of is not None:
        data["duplicate_of"] = duplicate_of.reference
    return inquiry_transition(
        inquiry=inquiry,
        to=S.CLOSED_WITHOUT_REPLY,
        by=by,
        note=note,
        action="inquiry.closed_no_reply",
        data=data,
        close_reason=reason,
        duplicate_of=duplicate_of,
    )


def inquiry_reopen(*, inquiry: Inquiry, by: AbstractBaseUser, note: str = "") -> Inquiry:
    """Reopen a closed inquiry: back to its holder, or to the unassigned pile."""
    if inquiry.status not in CLOSED_STATUSES:
        raise IllegalTransition(inquiry, S.NEW)
    to = S.ASSIGNED if inquiry.assignee_id else S.NEW
    return inquiry_transition(inquiry=inquiry, to=to, by=by, note=note, action="inquiry.reopened", duplicate_of=None)


def inquiry_move(*, inquiry: Inquiry, to: str, by: AbstractBaseUser, note: str = "") -> Inquiry:
    """A plain status move (drafting, in review, ready, sent...) through the workflow."""
    if to == S.NEW:
        return inquiry_release(inquiry=inquiry, by=by, note=note)
    if to == S.ASSIGNED and not inquiry.assignee_id:
        raise IllegalTransition(inquiry, to)
    return inquiry_transition(inquiry=inquiry, to=to, by=by, note=note)


def inquiry_note(*, inquiry: Inquiry, by: AbstractBaseUser, note: str) -> None:
    """An internal note: in the timeline, never sent to anyone."""
    record_event(inquiry=inquiry, action="inquiry.note", by=by, note=note.strip())


def specialists():
    return (
        get_user_model().objects.filter(is_active=True, groups__name=roles.SPECIALIST).distinct().order_by("username")
    )


# --- Saved filters ---------------------------------------------------------------------------


def saved_filter_save(*, owner: AbstractBaseUser, name: str, query: str) -> SavedFilter:
    """Keep the filter under its name; the same name again replaces the owner's earlier one."""
    saved, _created = SavedFilter.objects.update_or_create(owner=owner, name=name, defaults={"query": query})
    return saved


# --- Moves that follow the reply ---------------------------------------------------------------
# The replies app reports what happened to its letter; which move that makes here is decided here.

# The inquiry may reach "sent" through these on the way (e.g. drafting → ready → sent when no
# review is required); never through a closed or new status.
PASSING = {S.DRAFTING, S.READY}


def path_to_sent(status: str) -> list[str] | None:
    """The shortest legal list of moves from `status` to sent, or None."""
    paths = deque([[status]])
    while paths:
        path = paths.popleft()
        for step in ALLOWED_MOVES.get(path[-1], ()):
            if step == S.SENT:
                return path[1:] + [step]
            if step in PASSING and step not in path:
                paths.append(path + [step])
    return None


def inquiry_mark_drafting(*, inquiry: Inquiry, by: AbstractBaseUser, data: dict) -> None:
    """A reply was started: an assigned inquiry moves to drafting; any other only logs it."""
    if inquiry.status == S.ASSIGNED:
        inquiry_transition(inquiry=inquiry, to=S.DRAFTING, by=by, action="reply.started", data=data)
    else:
        record_event(inquiry=inquiry, action="reply.started", by=by, data=data)


def inquiry_follow_reply(
    *,
    inquiry: Inquiry,
    to: str,
    by: AbstractBaseUser,
    action: str,
    note: str = "",
    data: dict,
    tell: AbstractBaseUser | None = None,
    notice: str = "",
) -> None:
    """Move the inquiry along with its reply (to drafting, in review, ready) when the workflow
    allows it; else just log. `tell` (the reply's author) gets a notification of kind `notice`."""
    with transaction.atomic():
        if inquiry.status != to and can_move(inquiry.status, to):
            inquiry_transition(inquiry=inquiry, to=to, by=by, action=action, note=note, data=data)
        else:
            record_event(inquiry=inquiry, action=action, by=by, note=note, data=data)
        if tell is not None and notice:
            notify(users=[tell], event=_last_event(inquiry, action), kind=notice)


def inquiry_mark_sent(*, inquiry: Inquiry, by: AbstractBaseUser | None, data: dict) -> None:
    """A reply went out: move the inquiry to sent along the legal path; when there is none, only log it."""
    inquiry.refresh_from_db(fields=["status"])
    path = path_to_sent(inquiry.status) if inquiry.status != S.SENT else None
    if not path:
        note = "" if inquiry.status == S.SENT else f"The inquiry stays {inquiry.get_status_display()}."
        record_event(inquiry=inquiry, action="reply.sent", by=by, note=note, data=data)
        return
    for step in path[:-1]:
        inquiry_transition(inquiry=inquiry, to=step, by=by, action="reply.sending", data=data)
    inquiry_transition(inquiry=inquiry, to=S.SENT, by=by, action="reply.sent", data=data)


# --- Privacy ---------------------------------------------------------------------------------

PURGED_NAME = REMOVED


@dataclass
class PurgeReport:
    """What a purge changed: counts by kind, and what the other apps' part of it needs."""

    inquiry_ids: list[int] = field(default_factory=list)
    redact: Callable[[str], str] = field(default=lambda text: text)
    changed: Counter = field(default_factory=Counter)


def purgeable_requesters(*, closed_before: dt.date):
    """Requesters with contact data whose inquiries are all closed before the date, unless they
    consented to our keeping their data (until they withdraw it: consent_to_keep unticked)."""
    cutoff = dt.datetime.combine(closed_before, dt.time.min, tzinfo=timezone.get_current_timezone())
    mine = Inquiry.objects.filter(requester=OuterRef("pk"))
    still_needed = mine.filter(~Q(status__in=CLOSED_STATUSES) | Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
    return (
        Requester.objects.filter(anonymised_at__isnull=True, consent_to_keep=False)
        .filter(Exists(mine))
        .exclude(Exists(still_needed))
    )


def requesters_purge(*, closed_before: dt.date, by: AbstractBaseUser | None = None) -> PurgeReport:
    """The inquiries' part of the purge (see the retention rule in README.md): the requesters'
    contact data, what was typed with their inquiries, their names in the questions, the
    timeline's notes and attachment names, the attachments' files. Questions, topics, dates
    and statistics stay; each inquiry's timeline records the purge. The apps above this one
    purge their part in the same transaction (the purge_requesters command runs them all);
    the report carries what they need."""
    report = PurgeReport()
    now = timezone.now()
    with transaction.atomic():
        requesters = list(purgeable_requesters(closed_before=closed_before).select_for_update().order_by("pk"))
        ids = [r.pk for r in requesters]
        if not ids:
            return report
        inquiries = list(Inquiry.objects.filter(requester_id__in=ids).order_by("pk"))
        report.inquiry_ids = [i.pk for i in inquiries]
        people = [(r.name, r.email, r.phone) for r in requesters]
        people += [(i.contact_given.get("name", ""), i.contact_given.get("email", ""),
                    i.contact_given.get("phone", "")) for i in inquiries]
        report.redact = redactor(v for n, e, p in people for v in identifying_values(name=n, email=e, phone=p))
        Requester.objects.filter(pk__in=ids).update(
            name=PURGED_NAME, email="", phone="", country="", postal_address="", anonymised_at=now
        )
        report.changed["requesters anonymised"] = len(ids)
        report.changed["questions with a name removed"] = _redact_inquiries(inquiries, report.redact)
        events = InquiryEvent.objects.filter(inquiry_id__in=report.inquiry_ids)
        report.changed["timeline notes erased"] = events.exclude(note="").erase(note="")
        events.filter(action="inquiry.attached").erase(data={"file": PURGED_NAME})
        report.changed["timeline entries with a name removed"] = _redact_event_data(events, report.redact)
        attachments = InquiryAttachment.objects.filter(inquiry_id__in=report.inquiry_ids)
        files = [a.file.name for a in attachments if a.file]
        report.changed["attachments deleted"] = attachments.update(file="", original_name=PURGED_NAME)
        _record_purge(report.inquiry_ids, by=by, now=now, closed_before=closed_before)
        # Files go only once the database no longer points at them.
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return report


def _redact_inquiries(inquiries: list[Inquiry], redact: Callable[[str], str]) -> int:
    changed = []
    for inquiry in inquiries:
        question, condition = redact(inquiry.question), redact(inquiry.condition)
        if (question, condition) != (inquiry.question, inquiry.condition):
            changed.append(inquiry)
        inquiry.question, inquiry.condition, inquiry.contact_given = question, condition, {}
    Inquiry.objects.bulk_update(inquiries, ["question", "condition", "contact_given"], batch_size=500)
    return len(changed)


def _redact_event_data(events, redact: Callable[[str], str]) -> int:
    """The person removed from what events recorded (an email's subject, refused file names)."""

    def clean(value):
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    changed = 0
    for event in events.exclude(data={}).only("pk", "data"):
        cleaned = clean(event.data)
        if cleaned != event.data:
            changed += InquiryEvent.objects.filter(pk=event.pk).erase(data=cleaned)
    return changed


def _record_purge(inquiry_ids: list[int], *, by, now, closed_before: dt.date) -> None:
    actor = by if by is not None and by.is_authenticated else None
    data = {"closed_before": closed_before.isoformat()}
    InquiryEvent.objects.bulk_create(
        [InquiryEvent(inquiry_id=pk, action="requester.purged", actor=actor, created_at=now, data=data)
         for pk in inquiry_ids],
        batch_size=2000,
    )
