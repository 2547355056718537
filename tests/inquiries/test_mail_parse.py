"""Reading one email (inquiries.mail.parse): text, thread, attachments, and what no person wrote."""

import pytest

from inquiries.mail.parse import parse_mail, safe_filename

from . import mail_samples as samples

LIMIT = 25 * 1024 * 1024


def parse(raw: bytes):
    return parse_mail(raw, max_bytes=LIMIT)


def test_it_reads_a_plain_message():
    mail = parse(samples.thunderbird_plain(message_id="<q1@example.org>"))
    assert mail.message_id == "<q1@example.org>"
    assert (mail.from_name, mail.from_email) == ("Pat Doe", "pat@example.org")
    assert mail.subject == "Question about scleromyxedema"
    assert mail.text == samples.QUESTION
    assert mail.auto_reason == "" and mail.bounce is None and mail.attachments == []


def test_it_turns_an_html_only_message_into_text_without_its_scripts():
    html = (
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head>"
        "<body><div>Dear center,</div><div>What causes <b>scleromyxedema</b>?</div>"
        "<img src=x onerror=alert(1)><p>Thanks &amp; regards</p></body></html>"
    )
    mail = parse(samples.outlook_html_only(html))
    assert mail.text == "Dear center,\n\nWhat causes scleromyxedema?\n\nThanks & regards"
    assert "alert" not in mail.text and "color" not in mail.text


def test_it_prefers_the_plain_part_and_keeps_attachments():
    mail = parse(samples.apple_mail_with_attachments())
    assert mail.text.startswith(samples.QUESTION) and "<div>" not in mail.text
    assert [(a.name, a.content_type, a.data) for a in mail.attachments] == [
        ("logo.png", "image/png", samples.PNG),
        ("scan.pdf", "application/pdf", samples.PDF),
    ]


def test_it_decodes_quoted_printable():
    text = "¿Qué causa el escleromixedema y cómo se trata? Línea larga " * 4
    raw = samples.gmail_quoted_printable(text)
    assert b"quoted-printable" in raw and "é".encode() not in raw
    assert parse(raw).text == text.strip()


@pytest.mark.parametrize("charset, text", [
    ("iso-8859-1", "Größe und Maß der Hautveränderungen"),
    ("windows-1252", "Qu’est-ce que le scléromyxœdème ?"),
    ("iso-2022-jp", "強皮症の原因は何ですか"),
    ("koi8-r", "Что вызывает склеромикседему?"),
])
def test_it_decodes_bodies_in_other_charsets(charset, text):
    assert parse(samples.legacy_charset(text, charset)).text == text


def test_it_reads_an_unknown_charset_as_utf8_with_replacements():
    raw = samples.legacy_charset("plain words", "utf-8").replace(b'charset="utf-8"', b'charset="x-no-such"')
    raw = raw.replace(b"Subject: Frage", b"Subject: =?x-no-such?q?Hallo?=")
    mail = parse(raw)
    assert mail.text == "plain words"
    assert "Hallo" in mail.subject


def test_it_collects_the_thread_from_in_reply_to_and_references():
    raw = samples.thunderbird_plain(
        subject="Re: Your question to the information center [RD-2026-000123]",
        In_Reply_To="<b@desk>",
        References="<a@desk> <b@desk>",
    )
    mail = parse(raw)
    assert mail.reference == "RD-2026-000123"
    assert mail.references == ("<b@desk>", "<a@desk>")


@pytest.mark.parametrize("headers, reason", [
    ({"Auto_Submitted": "auto-replied"}, "auto-submitted (auto-replied)"),
    ({"X_Autoreply": "yes"}, "auto-reply"),
    ({"Precedence": "bulk"}, "precedence bulk"),
    ({"Precedence": "auto_reply"}, "precedence auto_reply"),
    ({"List_Id": "<news.example.org>"}, "mailing list"),
    ({"subject": "Out of Office: Question"}, "auto-reply (subject)"),
    ({"subject": "Automatic reply: Your question"}, "auto-reply (subject)"),
    ({"subject": "Respuesta automática: su pregunta"}, "auto-reply (subject)"),
    ({"sender": "MAILER-DAEMON@mx.example.org"}, "mail system message"),
])
def test_it_recognises_what_no_person_wrote(headers, reason):
    assert parse(samples.thunderbird_plain(**headers)).auto_reason == reason


def test_it_takes_auto_submitted_no_as_a_person():
    assert parse(samples.thunderbird_plain(Auto_Submitted="no")).auto_reason == ""


def test_it_reads_a_delivery_status_notification():
    mail = parse(samples.delivery_report("<letter-1@replydesk.example.org>"))
    assert mail.bounce.original_message_id == "<letter-1@replydesk.example.org>"
    assert mail.bounce.failed and mail.bounce.recipients == ("jane@example.org",)
    assert "5.1.1" in mail.bounce.reason and "Recipient address rejected" in mail.bounce.reason
    delayed = parse(samples.delivery_report("<x@desk>", action="delayed", status="4.4.1"))
    assert not delayed.bounce.failed


def test_it_reads_only_the_headers_of_a_message_over_the_limit():
    raw = samples.thunderbird_plain("x" * 5000, message_id="<big@example.org>")
    mail = parse_mail(raw, max_bytes=1000)
    assert mail.too_large and mail.message_id == "<big@example.org>" and mail.text == ""


def test_it_names_a_message_without_message_id_by_its_content():
    raw = samples.thunderbird_plain().replace(b"Message-ID:", b"X-Old-ID:")
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id.endswith("@no-message-id.invalid>")
    assert parse(raw + b"more").message_id != parse(raw).message_id


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system.ini", "system.ini"),
    ("report\x00.pdf", "report.pdf"),
    ("..", "fallback"),
    ("", "fallback"),
    ("<script>.html", "script.html"),
    (".bashrc", "bashrc"),
])
def test_it_makes_hostile_file_names_plain(name, expected):
    assert safe_filename(name, "fallback") == expected


def test_it_reads_unencoded_8bit_headers_as_utf8_or_windows_1252():
    utf8 = parse(b"From: J\xc3\xb6rg <j@example.de>\nSubject: Gr\xc3\xb6\xc3\x9fe\n\nx\n")
    legacy = parse(b"From: J\xf6rg <j@example.de>\nSubject: Gr\xf6\xdfe \x93quoted\x94\n\nx\n")
    assert (utf8.from_name, utf8.subject) == ("Jörg", "Größe")
    assert (legacy.from_name, legacy.subject) == ("Jörg", "Größe “quoted”")
