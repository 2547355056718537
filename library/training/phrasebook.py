"""The phrasebook (phrasebook.txt): how people ask for each kind, as training data."""

import re
from pathlib import Path

PHRASEBOOK = Path(__file__).with_name("phrasebook.txt")
PLACEHOLDER_RE = re.compile(r"\bX\b")  # the disease's name, left out as the desk leaves it out of a question


def read_phrasebook(path: Path = PHRASEBOOK) -> list[tuple[str, str]]:
    """(question, kind) pairs; ValueError names the line that is not one."""
    pairs, kind = [], None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            kind = line[1:-1]
        elif kind is None:
            raise ValueError(f"{path}:{number}: a question before any [kind]")
        else:
            pairs.append((" ".join(PLACEHOLDER_RE.sub(" ", line).split()), kind))
    return pairs
