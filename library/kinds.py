"""Which kinds of section a piece of text asks for: the phrase rules, in one place.

Used by the suggestions (what a question asks) and by the importers (what a heading is).
"""

import re

from library.models import SectionKind as K

# Kind → phrases (regular expressions over lower-cased text, matched at word boundaries).
KIND_PHRASES: dict[str, list[str]] = {
    K.CAUSE: [r"what causes?", r"caus(?:e|es|ed|ing)", r"why does"],
    K.TREATMENT: [r"treat(?:ed|ment|ments|ing|able)?", r"therap(?:y|ies)", r"cur(?:e|es|ed|able)", r"medications?",
                  r"medicines?", r"drugs?", r"manag(?:ed|ement)"],
    K.SYMPTOMS: [r"symptoms?", r"signs?", r"what to expect", r"features?"],
    K.INHERITANCE: [r"inherit(?:ed|ance|able)?", r"genetic", r"hereditary", r"passed (?:on|down)", r"my children",
                    r"my kids", r"runs? in (?:the|my) family"],
    K.DIAGNOSIS: [r"test(?:s|ed|ing)?", r"diagnos(?:e|ed|is|tic)", r"screen(?:ed|ing)?"],
    K.PROGNOSIS: [r"life expectancy", r"outlook", r"prognosis", r"how long"],
    # "What are the symptoms ..." asks for symptoms, not for an overview.
    K.OVERVIEW: [
        r"what(?: is|'s| are)(?! (?:the |its |some |any )?(?:signs?|symptoms?|causes?|treatments?|therap|outlook"
        r"|prognosis|life expectancy|tests?|chances?))",
        r"tell me about",
        r"information (?:on|about)",
    ],
}

_KIND_RES = {kind: re.compile(r"\b(?:" + "|".join(phrases) + r")\b") for kind, phrases in KIND_PHRASES.items()}


def kinds_in(text: str) -> list[str]:
    """The kinds a text asks for, in the order they first appear in it."""
    lowered = (text or "").lower()
    found = []
    for kind, pattern in _KIND_RES.items():
        match = pattern.search(lowered)
        if match:
            found.append((match.start(), kind))
    return [kind for _, kind in sorted(found)]


def kind_of_heading(heading: str, topic_name: str = "") -> str:
    """The kind of a fact-sheet heading: the first specific kind it names, else overview/other.

    The topic's own name is left out first ("hereditary angioedema" names no kind).
    """
    if topic_name:
        heading = re.sub(re.escape(topic_name), " ", heading, flags=re.IGNORECASE)
    kinds = kinds_in(heading)
    specific = [kind for kind in kinds if kind != K.OVERVIEW]
    if specific:
        return specific[0]
    return K.OVERVIEW if kinds else K.OTHER
