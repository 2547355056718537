"""A compact in-memory index of topic names and synonyms, for typo-tolerant matching.

Built from the database and kept per process, but keyed by a version read from the
database on every use (count, latest change, highest id), so a topic added or edited by
another process is seen on the next call: the cache can be cold, never stale.
"""

import bisect
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from rapidfuzz import fuzz, process

from library.models import Topic

FUZZY_MIN_LENGTH = 5  # shorter words are only matched exactly
FUZZY_CUTOFF = 80.0
RARE = 2  # a known word in at most this many names also gets its close spellings
# Words that name no topic on their own, however many abbreviations look like them.
STOPWORDS = frozenset(
    """a about after all also am an and any are as at be been being but by can could did do does doing
    dear for from get gets had has have he hello her hers him his how i if in into is it its just
    me more most my no not of on or our out please she should so some such than thank thanks that
    the their them then there these they this those to too type very was we were what when where
    which who why will with would you your""".split()
)


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
         "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
ROMAN_TYPE_RE = re.compile(r"^(" + "|".join(sorted(ROMAN, key=len, reverse=True)) + r")([a-d]?)$")
# What follows a name to make it a subtype's: "usher syndrome" + "type 1", "2", "ia".
SUBTYPE_RE = re.compile(r"^(?:type|subtype|form|group|class|[0-9]+[a-z]?|[a-e])$")


def type_number(previous: str, token: str) -> str:
    """"type ii" is "type 2", "type ia" "type 1a": one spelling of a subtype's number."""
    match = ROMAN_TYPE_RE.match(token) if previous in ("type", "subtype", "group") else None
    return f"{ROMAN[match.group(1)]}{match.group(2)}" if match else token


def normalize(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, subtype numbers in digits."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(type_number(tokens[i - 1] if i else "", token) for i, token in enumerate(tokens))


def has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


@dataclass
class NameIndex:
    names: list[str] = field(default_factory=list)  # normalized names and synonyms
    name_topics: list[int] = field(default_factory=list)  # topic id of each name
    topic_names: dict[int, str] = field(default_factory=dict)  # topic id → display name
    own_names: dict[int, str] = field(default_factory=dict)  # topic id → its normalized name (not a synonym)
    sorted_names: list[tuple[str, int]] = field(default_factory=list)  # (name, topic id), for prefixes
    exact: dict[str, list[int]] = field(default_factory=dict)  # normalized name → topic ids
    compact: dict[str, list[int]] = field(default_factory=dict)  # the same without spaces ("acrorenal...")
    postings: dict[str, set[int]] = field(default_factory=dict)  # token → indexes into names
    vocab: list[str] = field(default_factory=list)  # sorted tokens, for prefixes
    by_length: dict = field(default_factory=dict)  # tokens by length and by (first letter, length)
    longest: int = 1  # tokens in the longest name

    def add(self, topic_id: int, display: str, names: list[str]) -> None:
        self.topic_names[topic_id] = display
        self.own_names[topic_id] = normalize(display)
        for name in dict.fromkeys(normalize(n) for n in names):
            if not name:
                continue
            self.exact.setdefault(name, []).append(topic_id)
            self.compact.setdefault(name.replace(" ", ""), []).append(topic_id)
            tokens = name.split()
            self.longest = max(self.longest, len(tokens))
            for token in tokens:
                self.postings.setdefault(token, set()).add(len(self.names))
            self.names.append(name)
            self.name_topics.append(topic_id)

    def finish(self) -> "NameIndex":
        self.vocab = sorted(self.postings)
        self.sorted_names = sorted(zip(self.names, self.name_topics, strict=True))
        groups: dict = defaultdict(list)
        for token in self.vocab:
            groups[len(token)].append(token)
            groups[(token[0], len(token))].append(token)
        self.by_length = dict(groups)
        return self

    def similar(self, token: str) -> list[tuple[str, float]]:
        """Known tokens this one may be: itself (1.0), else close spellings (score 0..1)."""
        known = [(token, 1.0)] if token in self.postings else []
        # A word found in only one or two names may itself be a slip in the data ("syndrom").
        if len(token) < FUZZY_MIN_LENGTH or token in STOPWORDS or len(self.postings.get(token, ())) > RARE:
            return known
        if has_digit(token):
            return known  # "17q11" is not "21q11": numbers in names match exactly
        return known + [item for item in self._close(token) if item[0] != token and not has_digit(item[0])]

    def _close(self, token: str) -> list[tuple[str, float]]:
        # Slips rarely hit the first letter: look there first, everywhere only when that finds nothing.
        lengths = range(len(token) - 2, len(token) + 3)
        for key in ((token[0], n) for n in lengths), lengths:
            choices = [t for k in key for t in self.by_length.get(k, ())]
            found = process.extract(token, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=4)
            if found:
                # Equally close: the more common word is the likelier one ("syndrom" → syndrome, not syndroma).
                found.sort(key=lambda item: (-item[1], -len(self.postings[item[0]])))
                return [(choice, score / 100) for choice, score, _ in found]
        return []

    def subtypes(self, name: str) -> set[int]:
        """Topics named as subtypes of this name: "usher syndrome type 1" → "usher syndrome, type 1b", not "type 12"."""
        found = set()
        for candidate, topic_id in self.sorted_names[bisect.bisect_left(self.sorted_names, (name,)):]:
            if not candidate.startswith(name):
                break
            rest = candidate[len(name):]
            if rest.startswith(" ") and SUBTYPE_RE.match(rest.split()[0]) or (has_digit(name[-1]) and rest.isalpha()
                                                                              and len(rest) == 1):
                found.add(topic_id)
        return found

    def umbrellas(self, name: str) -> set[int]:
        """Topics this name is a subtype of: "usher syndrome type 3" → "usher syndrome"."""
        tokens = name.split()
        prefixes = [" ".join(tokens[:size]) for size in range(len(tokens) - 1, 0, -1) if SUBTYPE_RE.match(tokens[size])]
        if tokens and has_digit(tokens[-1]) and tokens[-1][-1].isalpha():  # "type 1b" → "type 1"
            prefixes.append(name[:-1])
        # By its own name: the subtypes listing "mucopolysaccharidosis" as a synonym are not its umbrella.
        return {t for prefix in prefixes for t in self.exact.get(prefix, ()) if self.own_names[t] == prefix}

    def with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        start = bisect.bisect_left(self.vocab, prefix)
        found = []
        for token in self.vocab[start : start + limit]:
            if not token.startswith(prefix):
                break
            found.append(token)
        return found


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, NameIndex]] = {}


def _version(using: str) -> tuple:
    # Three subqueries, not one aggregate: each MAX then reads one end of an index (O(log n)).
    sql = (
        "SELECT (SELECT COUNT(*) FROM library_topic), (SELECT MAX(updated_at) FROM library_topic),"
        " (SELECT MAX(id) FROM library_topic)"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def build(using: str = "default") -> NameIndex:
    index = NameIndex()
    rows = Topic.objects.using(using).values_list("id", "name", "synonyms", "names").order_by("id")
    for topic_id, name, synonyms, names in rows:
        # A Spanish question names the topic by its Spanish name ("esclerodermia").
        index.add(topic_id, name, [name, *(synonyms or []), *(names or {}).values()])
    return index.finish()


def name_index(using: str = "default") -> NameIndex:
    """The index for the database's current topics (rebuilt when they changed)."""
    # Keyed by connection settings too: tests and tools may point one alias at another database.
    key = f"{using}:{connections[using].settings_dict.get('NAME')}"
    version = _version(using)
    cached = _cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    index = build(using)
    with _lock:
        _cache[key] = (version, index)
    return index
