"""Search the library: topics by name or synonym (typo-tolerant), sections by their text, ranked.

One interface for both databases. PostgreSQL: trigram similarity (pg_trgm) for names and
full-text search for sections, both on indexes (search_schema.py). SQLite: the name index
(name_index.py, RapidFuzz) for names and FTS5 for sections.
"""

import re

from django.db import connection, transaction
from rapidfuzz import fuzz, process

from library.models import Section, Topic
from library.name_index import STOPWORDS, NameIndex, name_index, normalize
from library.search_schema import PG_SECTION_VECTOR, PG_TOPIC_NAMES

PG_NAME_THRESHOLD = 0.45
GENERIC_WORDS = ["syndrome", "disease", "disorder", "deficiency", "familial", "type", "congenital"]


def _candidates(index: NameIndex, token: str, is_last: bool) -> list[tuple[str, float]]:
    """Known tokens this one may be: itself, close spellings, or (while typing) its completions."""
    candidates = index.similar(token)
    if is_last and len(token) >= 3 and token not in index.postings:
        candidates += [(t, 0.9) for t in index.with_prefix(token)]
    return candidates


def _positions(index: NameIndex, candidates: list[tuple[str, float]]) -> set[int]:
    if len(candidates) == 1:
        return index.postings[candidates[0][0]]  # shared, not copied: never modified
    return set().union(*(index.postings[known] for known, _ in candidates))


def _rank_names(index: NameIndex, query: str) -> dict[int, float]:
    """Topic id → score in 0..1 for a short query."""
    tokens = [t for t in normalize(query).split() if t not in STOPWORDS] or normalize(query).split()
    if not tokens:
        return {}
    per_token = [_candidates(index, token, i == len(tokens) - 1) for i, token in enumerate(tokens)]
    matched = sorted((_positions(index, c) for c in per_token if c), key=len)
    if not matched or len(matched) * 2 < len(tokens):
        return {}
    positions = matched[0].intersection(*matched[1:])
    scores: dict[int, float] = {}
    for position in positions:
        name = index.names[position]
        quality = sum(max((s for k, s in c if position in index.postings[k]), default=0) for c in per_token)
        coverage = (len(tokens) / max(len(name.split()), len(tokens))) ** 0.3
        score = quality / len(tokens) * coverage * (1.0 if name == " ".join(tokens) else 0.95)
        topic_id = index.name_topics[position]
        scores[topic_id] = max(scores.get(topic_id, 0), score)
    return scores


def _search_topics_sqlite(query: str, limit: int) -> list[tuple[Topic, float]]:
    index = name_index()
    scores = _rank_names(index, query)
    best = sorted(scores, key=lambda tid: (-scores[tid], index.topic_names[tid].lower()))[:limit]
    topics = Topic.objects.in_bulk(best)
    return [(topics[tid], round(scores[tid], 3)) for tid in best if tid in topics]


def _distinctive(text: str) -> str:
    """The words that tell names apart: "syndrom" (or "syndrome") would match thousands of them."""
    words = [w for w in text.split() if not process.extractOne(w, GENERIC_WORDS, scorer=fuzz.ratio, score_cutoff=80)]
    return " ".join(words) or text


def _search_topics_postgres(query: str, limit: int) -> list[tuple[Topic, float]]:
    text = " ".join(normalize(query).split()) or query.lower()
    sql = f"""
        SELECT id, GREATEST(similarity(lower(name), %s), word_similarity(%s, {PG_TOPIC_NAMES})) AS score
        FROM library_topic WHERE %s <%% {PG_TOPIC_NAMES}
        ORDER BY score DESC, similarity(lower(name), %s) DESC, lower(name) LIMIT %s"""  # noqa: S608 (constants only; values are parameters)
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner misjudges trigram GIN scans and reads every row (~100 ms) instead of the
        # index (~5 ms). SET LOCAL may outlive a savepoint, hence the RESET.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(PG_NAME_THRESHOLD)])
        try:
            cursor.execute(sql, [text, text, _distinctive(text), text, limit])
            rows = cursor.fetchall()
        finally:
            cursor.execute("RESET enable_seqscan")
    topics = Topic.objects.in_bulk([row[0] for row in rows])
    return [(topics[tid], round(float(score), 3)) for tid, score in rows if tid in topics]


def search_topics(query: str, limit: int = 20) -> list[tuple[Topic, float]]:
    """Topics whose name or a synonym matches the query, best first, with a score in 0..1."""
    if not (query or "").strip():
        return []
    if connection.vendor == "postgresql":
        return _search_topics_postgres(query, limit)
    return _search_topics_sqlite(query, limit)


def _fts_query(query: str, joiner: str) -> str:
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS] or re.findall(r"\w+", query.lower())
    return joiner.join('"' + w.replace('"', "") + '"' for w in words)


def _section_rows_sqlite(query: str, limit: int, statuses: list[str]) -> list[tuple[int, float]]:
    marks = ", ".join(["%s"] * len(statuses))
    sql = f"""
        SELECT f.rowid, -f.rank FROM library_section_fts f
        JOIN library_section s ON s.id = f.rowid
        WHERE library_section_fts MATCH %s AND f.rank MATCH 'bm25(3.0, 1.0)' AND s.status IN ({marks})
        ORDER BY f.rank LIMIT %s"""  # noqa: S608 (placeholders only)
    rows: list = []
    with connection.cursor() as cursor:
        for joiner in (" ", " OR "):  # all words first; any word when none has them all
            match = _fts_query(query, joiner)
            if not match:
                return []
            cursor.execute(sql, [match, *statuses, limit])
            rows = cursor.fetchall()
            if rows:
                break
    return [(sid, rank / (rank + 5.0)) for sid, rank in rows]


def _section_rows_postgres(query: str, limit: int, statuses: list[str]) -> list[tuple[int, float]]:
    sql = f"""
        SELECT s.id, ts_rank_cd({PG_SECTION_VECTOR}, q, 32) AS rank
        FROM library_section s, websearch_to_tsquery('english', %s) q
        WHERE {PG_SECTION_VECTOR} @@ q AND s.status = ANY(%s)
        ORDER BY rank DESC, s.id LIMIT %s"""  # noqa: S608 (constants only; values are parameters)
    rows: list = []
    with connection.cursor() as cursor:
        for text in (query, " or ".join(re.findall(r"\w+", query))):
            cursor.execute(sql, [text, statuses, limit])
            rows = cursor.fetchall()
            if rows:
                break
    return [(sid, float(rank)) for sid, rank in rows]


def search_sections(query: str, limit: int = 20, *, published_only: bool = True) -> list[tuple[Section, float]]:
    """Sections whose heading or text matches the query, best first, with a score in 0..1."""
    if not (query or "").strip():
        return []
    statuses = [Section.Status.PUBLISHED] if published_only else list(Section.Status.values)
    if connection.vendor == "postgresql":
        rows = _section_rows_postgres(query, limit, statuses)
    else:
        rows = _section_rows_sqlite(query, limit, statuses)
    sections = Section.objects.select_related("topic").in_bulk([sid for sid, _ in rows])
    return [(sections[sid], round(score, 3)) for sid, score in rows if sid in sections]
