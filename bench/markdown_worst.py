"""Seconds to render the worst Markdown inputs known, at the length limit and below it.

    .venv/bin/python bench/markdown_worst.py

Each shape is rendered at 1/4, 1/2 and the whole of MARKDOWN_MAX_CHARS; a time that grows
about like the length (x2 per row) means rendering stays linear. Before markdown-it-py,
"[" x 8,000 took 14 s and nested lists raised RecursionError.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from lib.markup import MARKDOWN_MAX_CHARS, render_markdown  # noqa: E402

SHAPES = {
    "[": "[",
    "[a](": "[a](",
    "- (nested)": "- ",
    "1. (nested)": "1. ",
    "<a ": "<a ",
    "a\\n=\\n": "a\n=\n",
    "*_": "*_",
    "plain prose": "Scleromyxedema is a rare skin condition [@ref1]. ",
}

print(f"{'shape':<14}" + "".join(f"{n:>10,}" for n in (MARKDOWN_MAX_CHARS // 4, MARKDOWN_MAX_CHARS // 2,
                                                      MARKDOWN_MAX_CHARS)))
for label, unit in SHAPES.items():
    row = []
    for length in (MARKDOWN_MAX_CHARS // 4, MARKDOWN_MAX_CHARS // 2, MARKDOWN_MAX_CHARS):
        text = (unit * (length // len(unit) + 1))[:length]
        start = time.perf_counter()
        render_markdown(text)
        row.append(time.perf_counter() - start)
    print(f"{label:<14}" + "".join(f"{seconds:>9.3f}s" for seconds in row))
