"""`{% jinja "name" %}`: a Jinja2 partial (config/jinja2.py) rendered inside a Django template
with the including template's context."""

from django import template
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def render_jinja(name: str, values: dict) -> SafeString:
    """A Jinja2 partial as HTML that Django templates print as it is."""
    html = engines["jinja2"].get_template(name).template.render(values)
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


@register.simple_tag(takes_context=True)
def jinja(context, name: str) -> SafeString:
    values = context.flatten()
    request = values.get("request")
    values["csrf_input"] = csrf_input(request) if request is not None else ""
    return render_jinja(name, values)
