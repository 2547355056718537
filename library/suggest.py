"""Suggestions for a question: the topics it names, the kinds of section it asks for, and the
sections to answer it with, ranked. The one service behind the desk and `manage.py suggest`.
"""

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from library.corrections import corrected_kinds_many
from library.kinds import asked_kinds_many, question_language
from library.models import Section, Topic
from library.name_index import STOPWORDS, NameIndex, has_digit, name_index, normalize, type_number
from library.search import search_sections

MAX_WINDOW = 10  # words in the longest name we look for
MAX_OPTIONS = 2  # readings tried per word
MAX_READINGS = 16  # readings tried per run of words
UNKNOWN_WORD = 0.9  # how sure a reading of an unknown word as itself is
LONG_WORD = 7  # a single word must be this long to be read with a typo
SURE = 0.85  # and this close
SHORT_NAME = 5  # a single word shorter than this names a topic only when typed in capitals
KIND_WEIGHT = 1.0  # a section of a kind the question asks for
OVERVIEW_WEIGHT = 0.8  # the overview, always offered
OTHER_WEIGHT = 0.5  # the topic's other sections
TEXT_WEIGHT = 0.5  # sections found by their text when the question names no topic
SYNONYM = 0.98  # a topic named by one of its synonyms
RELATIVE = 0.9  # the umbrella or a subtype of a named topic that has no fact sheet
RELATIVES = 5  # at most this many per named topic


@dataclass
class Suggestion:
    question: str
    topics: list[tuple[Topic, float]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sections: list[tuple[Section, float]] = field(default_factory=list)
    # Every published section of the topics above, by topic id, with its topic (read for the ranking).
    published: dict[int, list[Section]] = field(default_factory=dict)

    @property
    def match(self) -> str:
        """How sure: "exact" (a topic named by its name or a synonym as the library spells it),
        "fuzzy" (only a typo-tolerant reading, or a relative of a named topic: ask "did you mean
        ...?"), "none" (no topic named: any sections were found by their words, suggestions only)."""
        if self.exact_topics:
            return "exact"
        return "fuzzy" if self.topics else "none"

    @property
    def exact_topics(self) -> list[Topic]:
        """The topics the question names word for word (case, accents and punctuation aside): sure
        enough to draft from."""
        text = f" {normalize(self.question)} "
        return [topic for topic, _ in self.topics
                if any(f" {name} " in text for name in map(normalize, topic.all_names) if name)]

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "match": self.match,
            "topics": [{"id": t.pk, "name": t.name, "score": round(s, 3)} for t, s in self.topics],
            "kinds": list(self.kinds),
            "sections": [
                {"id": x.pk, "topic": x.topic.name, "kind": x.kind, "heading": x.heading, "score": round(s, 3)}
                for x, s in self.sections
            ],
        }


@dataclass
class _Word:
    text: str  # as typed
    start: int
    end: int
    options: list[tuple[str, float]]  # the known words it may be, and how sure, likeliest first


def _words(index: NameIndex, question: str) -> list[_Word]:
    ascii_text = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode()
    words: list[_Word] = []
    for match in re.finditer(r"[A-Za-z0-9]+", ascii_text):
        lowered = type_number(words[-1].text.lower() if words else "", match.group(0).lower())
        # An unknown word may still be part of a name spelled without its spaces or hyphens.
        options = index.similar(lowered)[:MAX_OPTIONS] or [(lowered, UNKNOWN_WORD)]
        words.append(_Word(match.group(0), match.start(), match.end(), options))
    return words


def _plausible(window: list[_Word]) -> bool:
    """A run of words that can name a topic: not only common words; short names typed as acronyms."""
    if len(window) == 1 and window[0].text.isupper() and len(window[0].text) >= 2:
        return True  # "ALL", "MFS": typed as an abbreviation
    if all(w.text.lower() in STOPWORDS for w in window):
        return False
    return len(window) > 1 or len(window[0].text) >= SHORT_NAME


def _lookup(index: NameIndex, window: list[_Word]) -> tuple[list[int], float, str]:
    """The topics the best reading of these words names (each word read as one of its options)."""
    best: tuple[list[int], float, str] = ([], 0.0, "")
    for reading in itertools.islice(itertools.product(*(w.options for w in window)), MAX_READINGS):
        tokens = [token for token, _ in reading]
        # "Acro-renalmandibular": the same letters, spaced otherwise.
        topic_ids = index.exact.get(" ".join(tokens)) or index.compact.get("".join(tokens))
        score = sum(s for _, s in reading) / len(reading)
        if len(window) == 1 and score < 1 and (len(window[0].text) < LONG_WORD or score < SURE):
            continue  # one short word read loosely: "causes" is not "CASS"
        if topic_ids and score > best[1]:
            best = (topic_ids, score, " ".join(tokens))
    return best


def find_topics(index: NameIndex, question: str) -> tuple[list[tuple[int, float]], list[tuple[int, int]]]:
    """Topic ids named in the question, longest names first, and the spans they cover."""
    words = _words(index, question)
    used = [False] * len(words)
    found: dict[int, float] = {}
    spans = []
    for size in range(min(MAX_WINDOW, index.longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if any(used[start : start + size]) or not _plausible(window):
                continue
            topic_ids, score, reading = _lookup(index, window)
            if not topic_ids:
                continue
            for topic_id in topic_ids:
                # "neurofibromatosis": the topic of that name before those listing it as a synonym.
                own = score if index.own_names.get(topic_id) == reading else score * SYNONYM
                found[topic_id] = max(found.get(topic_id, 0), own)
            used[start : start + size] = [True] * size
            spans.append((window[0].start, window[-1].end))
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return ranked, spans


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for start, end in sorted(spans, reverse=True):
        ascii_text = ascii_text[:start] + " " + ascii_text[end:]
    return ascii_text


def _weight(kind: str, kinds: list[str]) -> float:
    if kind in kinds:
        return KIND_WEIGHT - 0.01 * kinds.index(kind)
    if kind == Section.Kind.OVERVIEW:
        return OVERVIEW_WEIGHT if kinds else KIND_WEIGHT
    return OTHER_WEIGHT - 0.01 * Section.kind_order(kind)


def rank_sections(topics: list[tuple[Topic, float]], kinds: list[str],
                  published: dict[int, list[Section]]) -> list[tuple[Section, float]]:
    ranked = [(s, score * _weight(s.kind, kinds)) for topic, score in topics for s in published.get(topic.pk, ())]
    return sorted(ranked, key=lambda item: (-item[1], item[0].topic.name, item[0].pk))


def _keywords(question: str, count: int = 5) -> str:
    """The longest uncommon words: enough to find sections by their text, and quick to search."""
    words = [w for w in re.findall(r"\w+", question.lower()) if w not in STOPWORDS]
    return " ".join(sorted(dict.fromkeys(words), key=len, reverse=True)[:count])


def _numbers_agree(question_numbers: set[str], name: str) -> bool:
    """A subtype's numbers are the ones the question gives ("type 1b" for "type 1"), when it gives any."""
    numbers = [t for t in name.split() if has_digit(t)]
    return not question_numbers or all(any(n.startswith(q) for q in question_numbers) for n in numbers)


def _published(topic_ids) -> dict[int, list[Section]]:
    """The published sections of these topics, by topic: one query."""
    found: dict[int, list[Section]] = defaultdict(list)
    rows = Section.objects.filter(topic_id__in=topic_ids, status=Section.Status.PUBLISHED).select_related("topic")
    for section in rows.order_by():
        found[section.topic_id].append(section)
    return found


def _relatives(index: NameIndex, question: str, topic_id: int) -> list[int]:
    """The umbrella topics and the subtypes of a topic (numbers as the question gives them)."""
    name = index.own_names[topic_id]
    numbers = {t for t in normalize(question).split() if has_digit(t)}
    subtypes = sorted(t for t in index.subtypes(name) if _numbers_agree(numbers, index.own_names[t]))
    return [*sorted(index.umbrellas(name)), *subtypes][: RELATIVES * 2]


def named_topics(index: NameIndex, question: str, limit: int) -> tuple[list[tuple[int, float]], list, dict]:
    """The topics the question names, then, for a named topic without a fact sheet, its umbrella
    or its subtypes that have one; the spans named; the published sections of all of them."""
    topic_scores, spans = find_topics(index, question)
    topic_scores = topic_scores[:limit]
    published = _published([t for t, _ in topic_scores])
    relatives = {t: _relatives(index, question, t) for t, _ in topic_scores if t not in published}
    if not any(relatives.values()):
        return topic_scores, spans, published
    published.update(_published({r for found in relatives.values() for r in found} - set(published)))
    known = dict(topic_scores)
    wanted: dict[int, float] = {}
    for topic_id, score in topic_scores:
        for relative in relatives.get(topic_id, ()):
            if relative not in known and relative in published:
                wanted[relative] = max(wanted.get(relative, 0), score * RELATIVE)
    return (topic_scores + sorted(wanted.items()))[:limit], spans, published


_kept: dict[tuple, tuple[tuple, Suggestion]] = {}
KEPT = 500  # questions kept per process; a full memo starts afresh


def _library_version() -> tuple:
    """Changes whenever anything a suggestion reads changes: every save or delete of a topic or a
    section writes a history row, and kind corrections are only ever added. Each MAX reads one
    end of an index: no count of a table."""
    sql = (
        "SELECT (SELECT MAX(history_id) FROM library_historicaltopic),"
        " (SELECT MAX(history_id) FROM library_historicalsection), (SELECT MAX(id) FROM library_kindcorrection)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def suggest(question: str, limit: int = 10, language: str = "") -> Suggestion:
    """Topics named (typos tolerated), kinds asked for, and the published sections to use, ranked.

    language: the inquiry's, when the question's own words do not tell which it is written in.

    The composer asks again on every view: the answer is kept in the process while the library
    stays as it is, and shared, so callers read it and never change it."""
    key = (connection.settings_dict["NAME"], question, limit, language)
    version = _library_version()
    kept = _kept.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    suggestion = suggest_many([question], limit, language)[0]
    if len(_kept) >= KEPT:
        _kept.clear()
    _kept[key] = (version, suggestion)
    return suggestion


def suggest_many(questions: list[str], limit: int = 10, language: str = "") -> list[Suggestion]:
    """suggest() for each question; the kind model reads them all in one batch (suggest --file)."""
    index = name_index()
    questions = [(question or "").strip() for question in questions]
    named = [named_topics(index, question, limit) for question in questions]
    languages = [question_language(question, language) for question in questions]
    # The topic's own name ("hereditary ...") asks for no kind.
    kinds_of = asked_kinds_many([_without_spans(q, spans) for q, (_, spans, _) in zip(questions, named, strict=True)],
                                languages=languages)
    kinds_of = corrected_kinds_many(questions, kinds_of)
    return [_suggestion(question, topic_scores, published, kinds, limit)
            for question, (topic_scores, _, published), kinds in zip(questions, named, kinds_of, strict=True)]


def _suggestion(question: str, topic_scores: list[tuple[int, float]], published: dict[int, list[Section]],
                kinds: list[str], limit: int) -> Suggestion:
    # The topics with published sections came with them (select_related); only the others are read.
    topics_by_id = {sections[0].topic_id: sections[0].topic for sections in published.values() if sections}
    missing = [tid for tid, _ in topic_scores if tid not in topics_by_id]
    if missing:
        topics_by_id |= Topic.objects.in_bulk(missing)
    topics = [(topics_by_id[tid], score) for tid, score in topic_scores if tid in topics_by_id]
    if topics:
        sections = rank_sections(topics, kinds, published)
        overviews = [item for item in sections if item[0].kind == Section.Kind.OVERVIEW][:1]
        chosen = sections[:limit]
        chosen += [item for item in overviews if item not in chosen]
    else:
        found = search_sections(_keywords(question), limit) if question else []
        chosen = [(s, score * (TEXT_WEIGHT + 0.5 * (s.kind in kinds))) for s, score in found]
        chosen.sort(key=lambda item: -item[1])
    return Suggestion(question=question, topics=topics, kinds=kinds, sections=chosen, published=published)
