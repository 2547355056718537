"""The Jinja2 environment for the desk's hottest partials.

Pages stay Django templates; the parts they repeat many times per request (the queue's rows,
the composer, the letter) are Jinja2 templates under an app's `jinja2/` folder, included with
`{% jinja "name" %}` (lib/jinja.py). Jinja2 compiles a template to Python: the same rows render
several times faster than in Django's template language.
"""

import html

from django.template import defaultfilters
from django.urls import reverse
from jinja2 import Environment
from markupsafe import Markup

from inquiries.templatetags.inquiries_extras import research_badge, status_badge


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def escaped_as_django_does(value) -> Markup:
    """Every value escaped as Django's templates escape it (`'` as &#x27;, `"` as &quot;), so a
    page is the same whichever engine rendered a part of it; safe values are left alone."""
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value)))  # noqa: S704 (escaped here)


def environment(**options) -> Environment:
    options.pop("autoescape", None)
    env = Environment(autoescape=True, finalize=escaped_as_django_does, **options)
    env.globals["url"] = url
    # Django's own filters where Jinja2's differ (a date format, "…" after a cut, localized numbers).
    django_filters = ("capfirst", "date", "floatformat", "linebreaksbr", "pluralize", "truncatechars", "urlencode",
                      "urlize")
    env.filters.update({name: getattr(defaultfilters, name) for name in django_filters})
    env.filters.update(research_badge=research_badge, status_badge=status_badge)
    return env
