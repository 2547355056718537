"""Emails to requesters: each a template triplet (subject, text, HTML) rendered by one function."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from lib.tracing import request_id_headers


def render_email(name: str, context: dict, language: str = "en") -> tuple[str, str, str]:
    """Render inquiries/emails/<name>_subject.txt, _body.txt and _body.html in `language`."""
    with translation.override(language):
        subject = render_to_string(f"inquiries/emails/{name}_subject.txt", context)
        text = render_to_string(f"inquiries/emails/{name}_body.txt", context)
        html = render_to_string(f"inquiries/emails/{name}_body.html", context)
    return " ".join(subject.split()), text, html


def send_email(name: str, context: dict, to: str, language: str = "en") -> None:
    subject, text, html = render_email(name, context, language)
    # Every email of this kind is automatic: RFC 3834 asks other robots not to answer it (no mail loops).
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        reply_to=[settings.REPLY_TO_EMAIL],
        headers={"Auto-Submitted": "auto-generated", **request_id_headers()},
    )
    message.attach_alternative(html, "text/html")
    message.send()
