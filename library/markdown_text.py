"""Plain text as Markdown that renders back to the same text (lib.markup renders it)."""

import re

_INLINE_RE = re.compile(r"([\\`*_])")
_ENTITY_RE = re.compile(r"&(#?\w+;)")
_TAG_RE = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_START_RE = re.compile(r"^(\s*)([#>+\-]|\d+\.)(?=\s|$)")


# Every character Markdown may read as markup within a line; & < > become entities instead.
_ANY_MARKUP_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_inline(value: str) -> str:
    """A value (a person's name) as one line of Markdown text: no link, no emphasis, no HTML,
    no citation, no list, whatever it holds."""
    value = " ".join(str(value).split())
    return _ANY_MARKUP_RE.sub(r"\\\1", value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def escape_markdown(text: str, *, start_of_line: bool = True) -> str:
    """Escape what Markdown would read as markup, so the text renders as written."""
    text = _INLINE_RE.sub(r"\\\1", text)
    # Markdown keeps raw HTML and entities (which the sanitiser then strips or decodes).
    text = _ENTITY_RE.sub(r"&amp;\1", text)
    text = _TAG_RE.sub("&lt;", text)
    if start_of_line:
        text = _LINE_START_RE.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
                                  if m.group(2)[-1] == "." else m.group(1) + "\\" + m.group(2), text)
    return text
