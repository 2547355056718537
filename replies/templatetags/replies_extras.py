from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name: str) -> SafeString:
    """Render another app's template when it is installed, and nothing otherwise."""
    try:
        found = select_template([template_name])
    except TemplateDoesNotExist:
        return mark_safe("")  # noqa: S308 (the empty string)
    return found.render(context.flatten(), context.get("request"))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None
