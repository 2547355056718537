"""Background work for inquiries, run by the task backend (django-tasks)."""

from lib.tracing import task

from .emails import notification_email_send, send_email
from .models import Inquiry


@task()
def send_confirmation(inquiry_id: int) -> None:
    """Acknowledge a question with its reference number only: the address was typed by anyone,
    so nothing the submitter wrote (name, question) is echoed to it."""
    inquiry = Inquiry.objects.select_related("requester").get(pk=inquiry_id)
    requester = inquiry.requester
    if not requester.email or requester.anonymised_at is not None:
        return
    context = {"inquiry": inquiry}
    send_email("confirmation", context, to=requester.email, language=inquiry.language)


@task()
def send_notification_email(notification_id: int) -> None:
    """Email a notification to a staff member who asked for email (once, whoever runs it)."""
    notification_email_send(notification_id=notification_id)


@task()
def send_waiting_reminder(inquiry_id: int) -> None:
    """Remind the requester that we wait for their answer to our question."""
    inquiry = Inquiry.objects.select_related("requester").get(pk=inquiry_id)
    requester = inquiry.requester
    if not requester.email or requester.anonymised_at is not None:
        return
    context = {"inquiry": inquiry, "requester": requester}
    send_email("waiting_reminder", context, to=requester.email, language=inquiry.language)
