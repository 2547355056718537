"""A letter's default title: the question restated from its topic and the kinds it asks for.

Never the requester's own words: "My father (58) was told ... What causes scleromyxedema and
how is it treated?" becomes "What causes scleromyxedema and how is it treated?". One phrase table
per language; a kind a table does not know is left out of the title.
"""

import re

from library.models import Section, Topic

# kind → (the question naming the topic, the same question about "it" when it follows another)
ENGLISH = {
    "marks": ("", "?"),
    "and": " and ",
    "information": "Information about {topic}",
    "no_topic": "Your question",
    "kinds": {
        "overview": ("what is {topic}", "what is it"),
        "symptoms": ("what are the signs and symptoms of {topic}", "what are its signs and symptoms"),
        "cause": ("what causes {topic}", "what causes it"),
        "inheritance": ("is {topic} inherited", "is it inherited"),
        "diagnosis": ("how is {topic} diagnosed", "how is it diagnosed"),
        "treatment": ("how is {topic} treated", "how is it treated"),
        "prognosis": ("what is the outlook for people with {topic}", "what is the outlook"),
        "frequency": ("how common is {topic}", "how common is it"),
    },
}

SPANISH = {
    "marks": ("¿", "?"),
    "and": " y ",
    "information": "Información sobre {topic}",
    "no_topic": "Su pregunta",
    "kinds": {
        "overview": ("qué es {topic}", "qué es"),
        "symptoms": ("cuáles son los signos y síntomas de {topic}", "cuáles son sus signos y síntomas"),
        "cause": ("qué causa {topic}", "cuál es su causa"),
        "inheritance": ("se hereda {topic}", "se hereda"),
        "diagnosis": ("cómo se diagnostica {topic}", "cómo se diagnostica"),
        "treatment": ("cómo se trata {topic}", "cómo se trata"),
        "prognosis": ("cuál es el pronóstico de {topic}", "cuál es su pronóstico"),
        "frequency": ("qué tan frecuente es {topic}", "qué tan frecuente es"),
    },
}

TITLE_PHRASES = {"en": ENGLISH, "es": SPANISH}


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def letter_title(topic_name: str | None, kinds: list[str], language: str) -> str:
    """The title for a letter about topic_name answering these kinds (in the order asked).

    Without a topic, a neutral title: never the requester's words.
    """
    table = TITLE_PHRASES.get(language, ENGLISH)
    if not topic_name:
        return table["no_topic"]
    known = [kind for kind in dict.fromkeys(kinds) if kind in table["kinds"]]
    if not known:
        return _capitalized(table["information"].format(topic=topic_name))
    first, *rest = known
    clauses = [table["kinds"][first][0].format(topic=topic_name)] + [table["kinds"][kind][1] for kind in rest]
    joined = clauses[0] if not rest else ", ".join(clauses[:-1]) + table["and"] + clauses[-1]
    opening, closing = table["marks"]
    return opening + _capitalized(joined) + closing


def topic_in_sentence(topic: Topic, language: str) -> str:
    """The topic's name as its own section headings write it mid-sentence ("What is scleromyxedema?").

    Whether "Scleromyxedema" or "Marfan syndrome" keeps its capital is known only from how the
    library writes it; without a heading that names it, the name stays as it is.
    """
    name = topic.name_in(language)
    pattern = re.compile(r"(?<!^)\b" + re.escape(name) + r"\b", re.IGNORECASE)
    for heading in Section.objects.filter(topic=topic).order_by("pk").values_list("heading", flat=True):
        match = pattern.search(heading)
        if match:
            return match.group(0)
    return name
