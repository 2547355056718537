"""Which kinds of section a piece of text asks for: the phrase rules, in one place.

Used by the suggestions (what a question asks, with the trained model of kind_model.py) and by
the importers (what a heading is).
"""

import re
import unicodedata

from library.models import SectionKind as K

OVERVIEW = K.OVERVIEW  # also stands for "no specific kind"

_CHILD = (r"(?:child|children|kids?|baby|babies|son|sons|daughters?|grandchild(?:ren)?|offspring"
          r"|future (?:child|pregnanc))")
# "diagnosed with X last year" tells the story; "how is it diagnosed" asks.
_DIAGNOSED_AS_STORY = r"(?! with| as| at| in| by| when| last| recently| early| about| years?| months?)"

# Kind → phrases (regular expressions over lower-cased text, matched at word boundaries).
KIND_PHRASES: dict[str, list[str]] = {
    K.CAUSE: [
        r"what causes?", r"caus(?:e|es|ed|ing)", r"why (?:does|do|did|is|was|would|has|have)", r"due to",
        r"result of", r"brought on", r"triggers?", r"risk factors?", r"environmental", r"contagious",
        r"how (?:does|do|did|can|could) (?:one|someone|a person|people|you|he|she|they|i|my \w+) (?:get|develop|catch)",
        r"genetic (?:basis|changes?|mutations?|cause)", r"(?:which|what) genes?",
    ],
    K.TREATMENT: [
        r"treat(?:ed|ment|ments|ing|able)?", r"therap(?:y|ies|ists?)", r"cur(?:e|es|ed|able)", r"medications?",
        r"medicines?", r"drugs?", r"manag(?:e|es|ed|ement|ing)", r"surger(?:y|ies)", r"prevent(?:ed|ion|ing|able)?",
        r"clinical trials?", r"research(?:ers)?", r"studies", r"relie(?:f|ve)", r"options", r"supplements?", r"diet",
        r"(?:anything|something|what) (?:\w+ ){0,3}(?:help|do for|be done)", r"help (?:her|him|them|with|my)",
        r"(?:slow|stop|reverse) (?:it|the|its|this)",
    ],
    K.SYMPTOMS: [
        r"symptoms?", r"signs?", r"what to expect", r"features?", r"characteristics?", r"look like",
        r"(?:is|are) (?:\w+ )?(?:pain|fatigue|rash|seizures?|swelling) (?:part|common|normal|related)",
    ],
    K.INHERITANCE: [
        r"inherit(?:ed|ance|able|s)?", r"(?<!non-)genetic(?! test)", r"hereditary", r"autosomal", r"x-linked",
        r"pass(?:ed|es)? (?:\w+ )?(?:on|down)", r"my (?:children|kids)", r"runs? in (?:the|my|our) family",
        r"carriers?", r"recurrence", r"genetic counsel(?:ing|or)", r"chances? (?:\w+ ){0,6}" + _CHILD,
        r"risk (?:\w+ ){0,5}" + _CHILD, _CHILD + r" (?:\w+ ){0,4}(?:get|have|inherit) it",
    ],
    K.FREQUENCY: [
        r"how (?:common|rare|frequent|prevalent)", r"prevalen(?:ce|t)", r"incidence", r"how often does",
        r"how many (?:\w+ ){0,2}(?:people|persons|individuals|cases|patients|children|americans|families|women|men)",
        r"number of (?:\w+ ){0,2}(?:people|cases|patients)",
    ],
    K.DIAGNOSIS: [
        r"test(?:s|ed|ing)?", r"diagnos(?:e|is|tic|ing)", r"diagnosed" + _DIAGNOSED_AS_STORY, r"screen(?:ed|ing)?",
        r"confirm", r"misdiagnos(?:ed|is)", r"biopsy", r"blood work", r"mri",
    ],
    K.PROGNOSIS: [
        r"life expectancy", r"outlook", r"prognosis", r"life ?span", r"normal life", r"surviv(?:e|al|ors?)",
        r"how long (?:\w+ ){0,3}(?:live|survive|last)", r"get worse", r"progress(?:es|ive|ion)?", r"fatal",
        r"(?:will|would|could|can) (?:\w+ ){0,2}die", r"terminal", r"long[- ]term", r"future hold",
        r"grow out of", r"go away",
    ],
    # "What are the symptoms ..." asks for symptoms, not for an overview.
    OVERVIEW: [
        r"what(?: is|'s| are)(?! (?:the |its |some |any )?(?:signs?|symptoms?|causes?|treatments?|therap|outlook"
        r"|prognosis|life expectancy|tests?|chances?))",
        r"tell me about", r"information (?:on|about|regarding)", r"(?:know|learn|find out|understand) more",
        r"more information", r"general information", r"explain",
    ],
}

# The same in Spanish, matched without accents: "qué causa" and "que causa" alike.
SPANISH_KIND_PHRASES: dict[str, list[str]] = {
    K.CAUSE: [
        r"que (?:causa|provoca|produce|origina)n?", r"causa(?:s|d[oa]s?)?", r"por que", r"origen", r"se debe",
        r"a que se debe", r"factores de riesgo", r"contagios[oa]",
    ],
    K.TREATMENT: [
        r"tratamientos?", r"como se (?:trata|cura|maneja|controla)", r"tratar(?:l[oa]|se)?",
        r"cur(?:a|ar|arl[oa]|arse|able)", r"terapias?", r"medicamentos?", r"medicinas?", r"cirugias?",
        r"ensayos clinicos", r"que se puede hacer",
    ],
    K.SYMPTOMS: [r"sintomas?", r"signos?", r"manifestaciones", r"que se siente"],
    K.INHERITANCE: [
        r"hereditari[oa]s?", r"(?:se )?hered(?:a|an|ar|ado|ada|ados|adas|ara|arlo|arla)", r"herencia",
        r"(?<!prueba )(?<!pruebas )(?<!estudio )genetic[oa]s?", r"transmit(?:e|en|ir|irlo|irla|ido)",
        r"mis hij[oa]s", r"portador(?:a|es|as)?", r"asesoramiento genetico",
    ],
    K.FREQUENCY: [
        r"frecuencia", r"que tan (?:comun|frecuente|rar[oa])", r"prevalencia", r"incidencia",
        r"(?:es|son) (?:muy |tan )?(?:comun|frecuente|rar[oa])s?",
        r"cuant[oa]s (?:\w+ ){0,2}(?:personas|casos|pacientes|ninos|ninas|familias|gente)",
    ],
    K.DIAGNOSIS: [
        r"diagnostic(?:o|a|an|ar|arl[oa])", r"como se diagnostica", r"pruebas?", r"examen(?:es)?", r"analisis",
        r"biopsia", r"confirmar",
    ],
    K.PROGNOSIS: [
        r"pronostico", r"esperanza de vida", r"evolucion", r"cuanto tiempo (?:\w+ ){0,3}(?:vivir|vive|viven|dura)",
        r"empeora(?:r|ra)?", r"mortal", r"terminal", r"a largo plazo", r"sobrevivir|supervivencia",
    ],
    OVERVIEW: [
        r"que (?:es|son)(?! (?:la |las |el |los |sus? )?"
        r"(?:causa|tratamiento|sintoma|signo|pronostico|prueba|frecuencia))",
        r"informacion (?:sobre|acerca|de)", r"saber mas", r"explica(?:r|rme)?",
    ],
}


def _compiled(table: dict[str, list[str]]) -> dict[str, re.Pattern]:
    return {kind: re.compile(r"\b(?:" + "|".join(phrases) + r")\b") for kind, phrases in table.items()}


_KIND_RES = {"en": _compiled(KIND_PHRASES), "es": _compiled(SPANISH_KIND_PHRASES)}
# Words common in one language and not the other: enough to tell a Spanish question from an English one.
_SPANISH_WORDS = frozenset(
    "el la los las del que como por para es son se su sus una uno y con mi mis tiene puede esta cual cuales "
    "cuantas cuantos hola gracias enfermedad hijo hija padre madre".split()
)
_ENGLISH_WORDS = frozenset("the is are what how why does do of and my can it with has have this hello thanks".split())


def folded(text: str) -> str:
    """Lower case without accents ("¿Qué?" → "que?")."""
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def question_language(text: str, hint: str = "") -> str:
    """"es" or "en": the language the text is written in, by its common words; the hint (the
    inquiry's language) when they do not tell."""
    words = re.findall(r"[a-z]+", folded(text))
    spanish = sum(word in _SPANISH_WORDS for word in words) + 2 * bool(re.search("[¿¡ñÑ]", text or ""))
    english = sum(word in _ENGLISH_WORDS for word in words)
    if spanish == english:
        return "es" if hint == "es" else "en"
    return "es" if spanish > english else "en"

_SENTENCE_RE = re.compile(r"[^.?!\n]+[.?!]*")
# Sentences that ask, though some end without a question mark.
_ASKING_RE = re.compile(
    r"^\s*(?:what|how|why|when|where|which|who|is|are|can|could|does|do|did|will|would|should|has|have|may|might)\b"
    r"|\b(?:would like to know|wondering|want to know|need to know|looking for|please (?:tell|send|help)"
    r"|any information|interested in)\b"
    r"|^\s*(?:¿|qu[eé]\b|c[oó]mo\b|cu[aá]l|cu[aá]nt|d[oó]nde\b|cu[aá]ndo\b|por qu[eé]\b)"
    r"|\b(?:quisiera saber|me gustar[ií]a saber|quiero saber|necesito saber|busco informaci[oó]n)\b"
)


def asked_part(text: str) -> str:
    """The sentences that ask something; the whole text when none seems to ("my son has X" is context)."""
    sentences = [s.strip() for s in _SENTENCE_RE.findall(text or "")]
    asking = [s for s in sentences if s.endswith("?") or _ASKING_RE.search(s.lower())]
    return " ".join(asking) if asking else (text or "")


def rule_kinds(text: str, language: str = "") -> list[str]:
    """The kinds this text names, specific ones in the order they first appear in it, overview last.

    Read with the phrases of its language (told, else detected)."""
    language = language or question_language(text)
    lowered = folded(text) if language == "es" else (text or "").lower()
    found = []
    for kind, pattern in _KIND_RES[language].items():
        match = pattern.search(lowered)
        if match:
            found.append((kind == OVERVIEW, match.start(), kind))
    return [kind for _, _, kind in sorted(found)]


def kind_of_heading(heading: str, topic_name: str = "") -> str:
    """The kind of a fact-sheet heading: the first specific kind it names, else overview/other.

    The topic's own name is left out first ("hereditary angioedema" names no kind).
    """
    if topic_name:
        heading = re.sub(re.escape(topic_name), " ", heading, flags=re.IGNORECASE)
    kinds = rule_kinds(heading)
    return kinds[0] if kinds else K.OTHER


RULE_BONUS = 0.2  # a kind the question names in so many words
SECOND_KIND = 0.1  # the model fills the second place only this sure, and not after "no specific kind"


def ranked_kinds_many(texts: list[str], use_model: bool = True,
                      languages: list[str] | None = None) -> list[list[tuple[str, float]]]:
    """For each text, every kind with its score, likeliest first: the model's probability (all
    texts read in one batch), plus a bonus for the kinds the rules find.

    languages: each text's language when known (else detected). The model learnt English
    questions only: a Spanish one is read by its rules alone, as are all without the model.
    """
    languages = languages or [question_language(text) for text in texts]
    asked = [asked_part(text) for text in texts]
    named = [[kind for kind in rule_kinds(part, language) if kind != OVERVIEW]
             for part, language in zip(asked, languages, strict=True)]
    # "No specific kind" last, too unsure to fill a second place (asked_kinds_many).
    ranked = [[(kind, 1.0) for kind in kinds] + [(OVERVIEW, 0.0)] for kinds in named]
    english = [i for i, language in enumerate(languages) if language != "es"] if use_model else []
    if not english:
        return ranked
    from library.kind_model import kind_model  # noqa: PLC0415 (numpy: not for the importers)

    model = kind_model()
    for i, row in zip(english, model.probabilities([asked[i] for i in english]), strict=True):
        scores = {kind: float(p) + RULE_BONUS * (kind in named[i]) for kind, p in zip(model.classes, row, strict=True)}
        ranked[i] = sorted(scores.items(), key=lambda item: -item[1])
    return ranked


def ranked_kinds(text: str, use_model: bool = True, language: str = "") -> list[tuple[str, float]]:
    return ranked_kinds_many([text], use_model, [language or question_language(text)])[0]


# (text, use_model, language) → kinds: the rules and the model never change while a process runs,
# and the composer reads the same question again on every view. Bounded: emptied when full.
_asked_cache: dict[tuple[str, bool, str], tuple[str, ...]] = {}
ASKED_CACHE_SIZE = 10_000


def asked_kinds_many(texts: list[str], use_model: bool = True, languages: list[str] | None = None) -> list[list[str]]:
    """For each question, the kinds it asks for, ranked: every kind it names, the model filling up
    to two. Never empty: "overview" stands for no specific kind."""
    languages = languages or [question_language(text) for text in texts]
    keys = [(text, use_model, language) for text, language in zip(texts, languages, strict=True)]
    missing = [key for key in dict.fromkeys(keys) if key not in _asked_cache]
    if missing:
        if len(_asked_cache) + len(missing) > ASKED_CACHE_SIZE:
            _asked_cache.clear()
        new_texts, new_languages = [key[0] for key in missing], [key[2] for key in missing]
        for key, ranked in zip(missing, ranked_kinds_many(new_texts, use_model, new_languages), strict=True):
            _asked_cache[key] = _asked(key[0], key[2], ranked)
    return [list(_asked_cache[key]) for key in keys]


def _asked(text: str, language: str, ranked: list[tuple[str, float]]) -> tuple[str, ...]:
    named = set(rule_kinds(asked_part(text), language))
    fill = ranked[0][0] != OVERVIEW
    kinds = [kind for i, (kind, score) in enumerate(ranked)
             if kind in named or i == 0 or (fill and i == 1 and score >= SECOND_KIND)]
    return tuple(kinds or [OVERVIEW])


def asked_kinds(text: str, use_model: bool = True, language: str = "") -> list[str]:
    return asked_kinds_many([text], use_model, [language or question_language(text)])[0]
