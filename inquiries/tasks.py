"""Background work for inquiries, run by the task backend (django-tasks)."""

from lib.tracing import task

from .emails import send_email
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
