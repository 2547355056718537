"""Emails as mail clients write them, made with the standard library's email package.

Each returns the message's bytes; headers and structure follow what the named client sends
(User-Agent / X-Mailer, format=flowed, multipart/alternative with related images, ...).
"""

from email import encoders
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid

from django.utils import timezone

QUESTION = "What causes scleromyxedema and how is it treated?"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _headers(message: Message, *, sender: str, subject: str, message_id: str | None, **extra: str) -> None:
    message["From"] = sender
    message["To"] = "Information Center <info@replydesk.example.org>"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    if "MIME-Version" not in message:
        message["MIME-Version"] = "1.0"
    for name, value in extra.items():
        message[name.replace("_", "-")] = value


def thunderbird_plain(
    text: str = QUESTION,
    *,
    sender: str = "Pat Doe <pat@example.org>",
    subject: str = "Question about scleromyxedema",
    message_id: str | None = None,
    **extra: str,
) -> bytes:
    message = MIMEText(text, "plain", "utf-8")
    message.set_param("format", "flowed")
    _headers(message, sender=sender, subject=subject, message_id=message_id, User_Agent="Thunderbird/128.0", **extra)
    return message.as_bytes()


def outlook_html_only(html: str, *, sender: str = "Lou Grant <lou@example.com>", subject: str = "Help please") -> bytes:
    message = MIMEText(html, "html", "utf-8")
    _headers(message, sender=sender, subject=subject, message_id=None, X_Mailer="Microsoft Outlook 16.0")
    return message.as_bytes()


def apple_mail_with_attachments(
    *, sender: str = "Sam Li <sam.li@example.net>", attachments: list[tuple[str, str, bytes]] | None = None
) -> bytes:
    """multipart/mixed: an alternative (plain + HTML with an inline image), then attachments."""
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(f"{QUESTION}\n\nThe scan of my letter is attached.", "plain", "utf-8"))
    related = MIMEMultipart("related")
    related.attach(MIMEText(f"<div>{QUESTION}</div><div><img src='cid:logo'></div>", "html", "utf-8"))
    image = MIMENonMultipart("image", "png")
    image.set_payload(PNG)
    encoders.encode_base64(image)
    image["Content-ID"] = "<logo>"
    image.add_header("Content-Disposition", "inline", filename="logo.png")
    related.attach(image)
    alternative.attach(related)
    message = MIMEMultipart("mixed")
    message.attach(alternative)
    for name, subtype, data in attachments if attachments is not None else [("scan.pdf", "pdf", PDF)]:
        part = MIMEApplication(data, subtype)
        part.add_header("Content-Disposition", "attachment", filename=name)
        message.attach(part)
    _headers(message, sender=sender, subject="Scleromyxedema", message_id=None, X_Mailer="Apple Mail (2.3774)")
    return message.as_bytes()


def gmail_quoted_printable(text: str, *, sender: str = "Ana Pérez <ana@example.es>") -> bytes:
    message = EmailMessage()
    message.set_content(text, cte="quoted-printable")
    _headers(message, sender=sender, subject="Pregunta sobre escleromixedema", message_id=None)
    return message.as_bytes()


def legacy_charset(text: str, charset: str, *, sender: str = "Jo <jo@example.de>") -> bytes:
    """A body in a charset other than UTF-8 (as older clients and webmails send it)."""
    message = MIMEText(text, "plain", charset)
    _headers(message, sender=sender, subject="Frage", message_id=None, X_Mailer="Eudora 7")
    return message.as_bytes()


def delivery_report(original_message_id: str, *, action: str = "failed", status: str = "5.1.1",
                    diagnostic: str = "smtp; 550 5.1.1 <jane@example.org>: Recipient address rejected") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix sends it."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not be delivered.", "plain"))
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.org"
    per_recipient["Final-Recipient"] = "rfc822; jane@example.org"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Diagnostic-Code"] = diagnostic
    status_part = Message()
    status_part["Content-Type"] = "message/delivery-status"
    status_part.set_payload([per_message, per_recipient])
    report.attach(status_part)
    headers = MIMEText(
        f"From: replies@replydesk.example.org\nTo: jane@example.org\nMessage-ID: {original_message_id}\n"
        "Subject: Your question to the information center\n",
        "rfc822-headers",
    )
    report.attach(headers)
    _headers(
        report,
        sender="Mail Delivery System <MAILER-DAEMON@mx.example.org>",
        subject="Undelivered Mail Returned to Sender",
        message_id=None,
        Auto_Submitted="auto-replied",
    )
    return report.as_bytes()
