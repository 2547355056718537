"""Entry points of the PDF rendering processes of a bulk export (a process pool).

This module imports nothing of Django at import time: a spawned process unpickles these
functions first, and only `init` sets Django up. Each process imports and warms WeasyPrint
once, then renders many letters with its one FontConfiguration.
"""

import os


def init(settings_module: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from replies.letter.pdf import warm_up

    warm_up()


def render(html: str) -> bytes:
    from replies.letter.pdf import html_to_pdf

    return html_to_pdf(html)
