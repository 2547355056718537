"""The reply as an email: parts, headers from settings, and a requester's name that cannot inject."""

import email
from email import policy

from replies.letter.assembly import assemble_letter
from replies.letter.message import letter_message

from .delivery_factories import small_reply


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.as_eml(), policy=policy.default)


def test_it_has_text_and_html_parts_of_the_same_letter(alice, settings):
    settings.REPLY_EMAIL_SUBJECT = "Your question [{reference}]"
    settings.DEFAULT_FROM_EMAIL = "Info Center <replies@center.example>"
    settings.REPLY_TO_EMAIL = "info@center.example"
    reply = small_reply(alice)
    message = parsed(letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=False))
    assert message["Subject"] == f"Your question [{reply.inquiry.reference}]"
    assert message["From"] == "Info Center <replies@center.example>"
    assert message["Reply-To"] == "info@center.example"
    assert message["To"] == "Jane Doe <jane@example.org>"
    assert message["Message-ID"].endswith("@center.example>")  # our mail domain, not the worker's host
    assert "An overview.[1]" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert '<a class="cite" href="#ref-1">[1]</a>' in html and "<!doctype html>" in html
    assert [p.get_content_type() for p in message.iter_attachments()] == []


def test_it_keeps_one_message_id_and_date_for_sending_and_archiving(alice):
    reply = small_reply(alice)
    message = letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=False)
    assert message.as_eml() == message.as_eml()  # built once: a rebuild would draw new MIME boundaries
    assert message.message_id.startswith("<") and message.message_id == parsed(message)["Message-ID"]


def test_it_cannot_be_made_to_add_headers_by_a_name(alice):
    reply = small_reply(alice)
    requester = reply.inquiry.requester
    requester.name = 'Eve "the" Tester\r\nBcc: victim@example.net\nX-Evil: 1'
    requester.save(update_fields=["name"])
    message = letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=False)
    [recipient] = message.recipients()
    assert "\r" not in recipient and "\n" not in recipient and recipient.endswith("<jane@example.org>")
    eml = message.as_eml()
    headers = eml.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\nX-Evil:" not in headers
    parsed_message = parsed(message)
    assert parsed_message["Bcc"] is None and parsed_message["X-Evil"] is None
    assert parsed_message["To"].addresses[0].addr_spec == "jane@example.org"
    assert parsed_message["To"].addresses[0].display_name == 'Eve "the" Tester Bcc: victim@example.net X-Evil: 1'


def test_it_encodes_a_name_beyond_ascii(alice):
    reply = small_reply(alice)
    reply.inquiry.requester.name = "José Müller, Jr."
    reply.inquiry.requester.save(update_fields=["name"])
    message = parsed(letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=False))
    assert message["To"].addresses[0].display_name == "José Müller, Jr."
    assert b"=?utf-8?" in letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=False).as_eml()


def test_it_attaches_the_pdf_when_asked(alice):
    reply = small_reply(alice)
    message = parsed(letter_message(reply=reply, letter=assemble_letter(reply), attach_pdf=True, pdf=b"%PDF-1.7 x"))
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{reply.inquiry.reference}.pdf"
    assert attachment.get_content() == b"%PDF-1.7 x"
