"""The center's own letters teach the desk: each sent letter is remembered (its question, topics
and sections), and a new inquiry finds the letters sent for similar questions.

Similarity is computed here, the same on SQLite and PostgreSQL: the share of topics two
questions have in common and the cosine of their embeddings (library.kind_model.embedded). The
candidates come through indexes: the letters on the inquiry's topics and the latest letters.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import Count

from lib.statements import replayed_rows
from library.kind_model import embedded

from .models import AnsweredLetter, Reply, ReplyBlock

CANDIDATES = 300  # letters compared per look-up, from each source
TOPIC_WEIGHT = 0.5  # the share of topics in common; the rest is the questions' similarity
MIN_SIMILAR = 0.45  # below this a letter answered another question
SHOWN = 3  # letters shown as "Answered before"
LEARNED_FROM = 20  # similar letters whose chosen sections move suggestions up


def question_vector(question: str) -> bytes:
    return embedded(question).astype(np.float16).tobytes()


def letter_remember(*, reply: Reply, sent_at: datetime) -> AnsweredLetter:
    """Record what this sent letter answered and with which sections (again when it is sent again)."""
    inquiry = reply.inquiry
    letter, _ = AnsweredLetter.objects.update_or_create(
        reply=reply, defaults={"question": inquiry.question, "vector": question_vector(inquiry.question),
                               "sent_at": sent_at})
    letter.topics.set(inquiry.topics.all())
    letter.sections.set(reply.blocks.filter(kind=ReplyBlock.Kind.SECTION).values_list("section_id", flat=True))
    return letter


@dataclass(frozen=True)
class Similar:
    letter: AnsweredLetter
    score: float
    shared_topics: int


def similar_letters(question: str, topic_ids: list[int], *, exclude_inquiry: int | None = None,
                    limit: int = SHOWN) -> list[Similar]:
    """The sent letters most similar to this question on these topics, best first (score ≥ MIN_SIMILAR)."""
    through = AnsweredLetter.topics.through

    def latest_ids(on_topics: bool):
        letters = AnsweredLetter.objects.all()
        if exclude_inquiry is not None:
            letters = letters.exclude(reply__inquiry_id=exclude_inquiry)
        if on_topics:
            letters = letters.filter(id__in=through.objects.filter(topic_id__in=topic_ids).values("answeredletter_id"))
        return letters.order_by("-sent_at").values_list("id")[:CANDIDATES]

    rows = replayed_rows(("similar_latest", exclude_inquiry), lambda: latest_ids(on_topics=False))
    if topic_ids:
        key = ("similar_on_topics", exclude_inquiry, tuple(topic_ids))
        rows += replayed_rows(key, lambda: latest_ids(on_topics=True))
    ids = {letter_id for (letter_id,) in rows}
    if not ids:
        return []
    candidates = list(AnsweredLetter.objects.filter(id__in=ids).select_related("reply__inquiry"))
    topics_of: dict[int, set[int]] = defaultdict(set)
    for letter_id, topic_id in through.objects.filter(answeredletter_id__in=ids).values_list("answeredletter_id",
                                                                                              "topic_id"):
        topics_of[letter_id].add(topic_id)
    vectors = np.vstack([np.frombuffer(bytes(c.vector), dtype=np.float16) for c in candidates]).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    cosines = vectors @ embedded(question) / np.where(norms, norms, 1)
    wanted = set(topic_ids)
    found = []
    for letter, cosine in zip(candidates, cosines, strict=True):
        shared = len(wanted & topics_of[letter.pk])
        if wanted:
            overlap = shared / len(wanted | topics_of[letter.pk])
            score = TOPIC_WEIGHT * overlap + (1 - TOPIC_WEIGHT) * float(cosine)
        else:
            score = float(cosine)
        if score >= MIN_SIMILAR:
            found.append(Similar(letter, round(score, 3), shared))
    found.sort(key=lambda s: (-s.score, -s.letter.sent_at.timestamp()))
    return found[:limit]


def chosen_sections(similar: list[Similar]) -> dict[int, tuple[float, int]]:
    """Section id → (the similarity of the letters that chose it, summed; how many did)."""
    if not similar:
        return {}
    score_of = {s.letter.pk: s.score for s in similar}
    chosen: dict[int, tuple[float, int]] = {}
    rows = AnsweredLetter.sections.through.objects.filter(answeredletter_id__in=score_of)
    for letter_id, section_id in rows.values_list("answeredletter_id", "section_id"):
        weight, count = chosen.get(section_id, (0.0, 0))
        chosen[section_id] = (weight + score_of[letter_id], count + 1)
    return chosen


def letters_using(section_ids: list[int]) -> dict[int, int]:
    """Section id → the number of sent letters that used it."""
    def counts():
        rows = AnsweredLetter.sections.through.objects.filter(section_id__in=section_ids).values_list("section_id")
        return rows.annotate(n=Count("answeredletter_id")).order_by()

    return dict(replayed_rows(("letters_using", tuple(section_ids)), counts))
