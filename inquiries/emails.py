"""Emails to requesters: each a template triplet (subject, text, HTML) rendered by one function."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lib.tracing import request_id_headers

from .models import Notification


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


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient, at most once: the conditional update claims it,
    so a second worker or a repeated task finds nothing to do. True when it was sent now."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "inquiry", "event__actor").get(pk=notification_id)
    if not notification.recipient.email:
        return False
    context = {"notification": notification, "inquiry": notification.inquiry, "base_url": settings.DESK_BASE_URL}
    send_email("notification", context, to=notification.recipient.email, language=settings.LANGUAGE_CODE)
    return True
