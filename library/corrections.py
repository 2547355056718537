"""Specialists' corrections of the kinds suggested for a question: recorded, applied, exported."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from library.kinds import OVERVIEW
from library.models import KindCorrection, Section, question_key


def kind_correct(*, question: str, kind: str, asked: bool, suggested: list[str],
                 by: AbstractBaseUser | None) -> KindCorrection:
    """Record that the question asks for this kind (asked) or not; ValidationError for an unknown kind."""
    if kind not in Section.Kind.values or kind == Section.Kind.OTHER:
        raise ValidationError("%(kind)s is not a kind a question asks for.", code="unknown_kind", params={"kind": kind})
    if not (question or "").strip():
        raise ValidationError("There is no question to correct.", code="no_question")
    return KindCorrection.objects.create(question=question, kind=kind, asked=asked, suggested=list(suggested),
                                         created_by=by)


def corrected_kinds_many(questions: list[str], kinds_of: list[list[str]]) -> list[list[str]]:
    """The kinds of each question with its corrections applied (the latest word on a kind counts)."""
    keys = [question_key(q) for q in questions]
    latest: dict[str, dict[str, bool]] = {}
    rows = KindCorrection.objects.filter(question_key__in=set(keys)).order_by("-created_at", "-id")
    for key, kind, asked in rows.values_list("question_key", "kind", "asked"):
        latest.setdefault(key, {}).setdefault(kind, asked)
    return [_corrected(kinds, latest.get(key, {})) for key, kinds in zip(keys, kinds_of, strict=True)]


def _corrected(kinds: list[str], latest: dict[str, bool]) -> list[str]:
    if not latest:
        return kinds
    added = [kind for kind, asked in latest.items() if asked]
    result = added + [kind for kind in kinds if kind not in added and latest.get(kind) is not False]
    # "overview" stands for no specific kind: after the specific ones, unless a specialist put it first.
    if OVERVIEW in result and len(result) > 1 and latest.get(OVERVIEW) is not True:
        result = [kind for kind in result if kind != OVERVIEW] + [OVERVIEW]
    return result or [OVERVIEW]


def correction_rows() -> list[dict]:
    """One dict per correction, oldest first: what train_kinds.py --corrections reads."""
    rows = KindCorrection.objects.order_by("created_at", "id").values("question", "kind", "asked", "created_at")
    return [{**row, "created_at": row["created_at"].isoformat()} for row in rows]
