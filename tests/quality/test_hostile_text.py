"""Hostile text through the public form and the library, checked everywhere it shows.

The payloads (tests/quality/hostile.py) go in where untrusted text comes in: the public
form (name, condition, question) and the library (section heading and body, standard
text, reference text). Every page and export that shows them must hold no live markup:
the payload is escaped (HTML pages), sanitised (Markdown), or plain text (txt, PDF).
"""

import csv
import email
import io
import time
from email import policy

import pytest
from django.core import mail
from django.core.cache import cache
from pypdf import PdfReader

from inquiries.forms import fill_token
from inquiries.models import Inquiry
from library.models import Reference, Section, StandardText
from replies.models import Reply
from tests.quality import factories
from tests.quality.hostile import ALL, SHORT, live_markup, over_escaped
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db

EXPORTS = ("html", "txt", "eml", "pdf")


def submit(client, **fields) -> Inquiry:
    """A question through the public form, as the public sends it."""
    cache.clear()
    data = {"name": "Pat Doe", "email": "pat@example.org", "role": "patient", "condition": "scleromyxedema",
            "question": "What causes scleromyxedema and how is it treated?", "language": "en",
            "consent_to_keep": "on", "website": "", "started": fill_token(time.time() - 60), **fields}
    response = client.post("/ask/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert not live_markup(thanks.content.decode())
    return Inquiry.objects.select_related("requester").latest("pk")


def assert_no_live_markup(response, where: str) -> str:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    body = response.content.decode()
    found = live_markup(body)
    assert not found, f"{where}: live markup {found}"
    return body


def check_exports(client, reply: Reply) -> dict[str, bytes]:
    """Every download format of the letter, checked for its kind of safety."""
    out = {}
    for fmt in EXPORTS:
        response = client.get(f"/desk/deliveries/reply/{reply.pk}/export/{fmt}/")
        assert response.status_code == 200, fmt
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        out[fmt] = response.content
    assert not live_markup(out["html"].decode()), live_markup(out["html"].decode())
    assert not over_escaped(out["txt"].decode()), "the text export shows HTML entities"
    check_eml(out["eml"])
    check_pdf(out["pdf"])
    return out


def check_eml(data: bytes) -> None:
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["Bcc"] is None and message["Cc"] is None  # no header injection through the name
    assert len(message.get_all("To") or []) <= 1
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None and text is not None
    found = live_markup(html.get_content())
    assert not found, f"email HTML part: {found}"
    assert not over_escaped(text.get_content()), "the email's text part shows HTML entities"


def check_pdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert action.get("/S") in (None, "/URI", "/GoTo"), action
            uri = str(action.get("/URI", ""))
            assert not uri.lower().replace(" ", "").startswith(("javascript:", "data:", "file:")), uri
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "XSS-49" not in text
    assert not over_escaped(text), "the PDF shows HTML entities"
    return text


# --- Through the public form --------------------------------------------------------------------


@pytest.fixture
def hostile_inquiry(client, alice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    factories.make_library()
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = submit(client, name=SHORT[:200], condition=SHORT, question=f"How is it treated?\n\n{ALL}")
    assert inquiry.requester.name == SHORT[:200]  # stored as typed; escaping is the job of the output
    return inquiry


def test_it_escapes_hostile_requester_text_on_the_desk(client, login, alice, hostile_inquiry):
    desk = login(alice)
    pages = {
        "dashboard": "/desk/",
        "queue": "/desk/inquiries/",
        "queue search": "/desk/inquiries/?q=" + SHORT,
        "detail": f"/desk/inquiries/{hostile_inquiry.pk}/",
    }
    for where, url in pages.items():
        assert_no_live_markup(desk.get(url), where)
    detail = desk.get(pages["detail"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, escaped


def test_it_keeps_the_confirmation_email_safe(hostile_inquiry):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "\n" not in message.to[0] and "evil" not in message.to[0]
    for body, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            assert not live_markup(body), live_markup(body)
    assert not over_escaped(message.body)


def test_it_neutralises_spreadsheet_formulas_in_the_csv_export(client, login, alice, settings):
    factories.make_library()
    formulas = {"name": "=HYPERLINK(\"https://evil.example\",\"x\")", "condition": "+cmd|' /C calc'!A0",
                "question": "@SUM(1+1)*cmd|' /C calc'!A0 and then some more words to be long enough"}
    submit(client, **formulas)
    response = login(alice).get("/desk/inquiries/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"a formula reaches the spreadsheet: {cell!r}"


def test_it_escapes_hostile_requester_text_in_the_letter(login, alice, hostile_inquiry):
    desk = login(alice)
    reply = make_reply(alice, inquiry=hostile_inquiry)
    assert "<" not in reply.title  # the default title restates the question, never the requester's words
    # The specialist copies the requester's words into the title: now they reach every output.
    desk.post(f"/desk/replies/{reply.pk}/title/", {"title": ALL.strip()[:1000], "version": reply.version})
    reply.refresh_from_db()
    assert "<script>" in reply.title
    composer = assert_no_live_markup(desk.get(f"/desk/replies/{reply.pk}/"), "composer")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in composer
    block = reply.blocks.order_by("position").first()
    assert_no_live_markup(desk.get(f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/"), "block editor")
    assert_no_live_markup(desk.get(f"/desk/deliveries/send/{reply.pk}/"), "send page")
    out = check_exports(desk, reply)
    text = out["txt"].decode()
    assert "<script>alert(1)</script>" in text  # plain text shows what was typed
    assert "<script>alert(1)</script>" in check_pdf(out["pdf"])  # and so does the PDF, as text


def test_it_sanitises_markdown_typed_into_a_block(login, alice, hostile_inquiry):
    desk = login(alice)
    reply = make_reply(alice, inquiry=hostile_inquiry)
    block = reply.blocks.order_by("position").first()
    preview = desk.post("/desk/replies/preview/", {"body": ALL})
    assert_no_live_markup(preview, "Markdown preview")
    edit_url = f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/"
    response = desk.post(edit_url, {"heading": SHORT, "body": ALL, "version": reply.version, "preview": "1"})
    assert_no_live_markup(response, "block editor preview")
    desk.post(edit_url, {"heading": SHORT, "body": ALL, "version": reply.version})
    reply.refresh_from_db()
    assert reply.blocks.filter(body=ALL).exists()
    assert_no_live_markup(desk.get(f"/desk/replies/{reply.pk}/"), "composer after the edit")
    check_exports(desk, reply)


# --- Through the library -------------------------------------------------------------------------


@pytest.fixture
def hostile_library(db):
    """Library text as an editor or an importer might store it (bypassing form validation)."""
    library = factories.make_library(body_extra=ALL, heading=SHORT)
    Reference.objects.filter(pk=library.reference.pk).update(text=f"Rongioletti F. {ALL}")
    StandardText.objects.filter(kind__in=["greeting", "closing", "disclaimer"]).update(
        body=f"Dear {{requester_name}}, {ALL}"
    )
    return library


def test_it_sanitises_hostile_library_text_in_the_letter(client, login, alice, hostile_library):
    inquiry = factories.receive_inquiry(assignee=alice)
    inquiry.topics.add(hostile_library.topic)
    reply = make_reply(alice, inquiry=inquiry)
    assert reply.blocks.filter(section__isnull=False).count() == 3
    desk = login(alice)
    assert_no_live_markup(desk.get(f"/desk/replies/{reply.pk}/"), "composer")
    assert_no_live_markup(desk.get(f"/desk/inquiries/{inquiry.pk}/"), "detail")
    out = check_exports(desk, reply)
    assert "Rongioletti F." in out["txt"].decode()


def test_it_sends_hostile_text_safely_and_archives_it(login, alice, rita, hostile_library, settings,
                                                     django_capture_on_commit_callbacks):
    from replies.composer import services
    from replies.outbox import deliveries

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    inquiry = factories.receive_inquiry(name=SHORT[:200], assignee=alice)
    inquiry.topics.add(hostile_library.topic)
    reply = make_reply(alice, inquiry=inquiry)
    reply = services.reply_submit(reply=reply, version=reply.version, by=alice)
    reply = services.reply_approve(reply=reply, version=reply.version, by=rita)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliveries.delivery_queue(reply=reply, by=alice, method="email", attach_pdf=True,
                                             confirm_stale=True)
    delivery.refresh_from_db()
    assert delivery.status == "sent", delivery.last_error
    assert len(mail.outbox) == 1
    check_eml(mail.outbox[0].message().as_bytes())
    desk = login(alice)
    assert_no_live_markup(desk.get(f"/desk/inquiries/{inquiry.pk}/"), "detail with the delivery")
    eml = desk.get(f"/desk/deliveries/{delivery.pk}/archive/eml/")
    check_eml(eml.content)
    check_pdf(desk.get(f"/desk/deliveries/{delivery.pk}/archive/pdf/").content)


def test_it_sanitises_hostile_library_text_in_the_admin(login, hostile_library):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@desk.example.org", "x")
    admin = login(root)
    section = hostile_library.sections[0]
    for url in (
        "/admin/library/section/",
        f"/admin/library/section/{section.pk}/change/",
        f"/admin/library/reference/{hostile_library.reference.pk}/change/",
        f"/admin/library/standardtext/{StandardText.objects.get(kind='greeting').pk}/change/",
    ):
        response = admin.get(url)
        if response.status_code == 404:
            continue  # that admin page does not exist (yet)
        assert_no_live_markup(response, url)
    assert Section.objects.filter(body__contains="<script>").exists()


def test_it_detects_every_payload_once_rendered_without_care():
    """The detector itself: each payload, rendered raw or as unsanitised Markdown, is live markup."""
    import markdown

    from tests.quality.hostile import PAYLOADS

    for payload in PAYLOADS:
        raw = payload.replace("{{7*7}}", "49")
        assert live_markup(raw) or live_markup(markdown.markdown(raw)), payload


def test_it_sanitises_hostile_library_text_on_the_library_pages(login, lee, alice, hostile_library):
    desk = login(alice)
    topic = hostile_library.topic
    assert_no_live_markup(desk.get(f"/desk/library/topics/{topic.pk}/"), "library topic page")
    assert_no_live_markup(desk.get("/desk/library/", {"q": "Scleromyxedema"}), "library search")
    assert_no_live_markup(desk.get("/desk/library/", {"q": SHORT}), "library search for a payload")
    response = desk.get("/desk/library/suggest.json", {"q": f"What causes scleromyxedema? {SHORT}"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


# --- Typed by staff -------------------------------------------------------------------------------


def test_it_escapes_hostile_text_typed_by_staff(login, alice, rita, settings, tmp_path):
    """Notes, staff entry, attachment names, letter titles, custom paragraphs, review comments."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    factories.make_library()
    desk = login(alice)
    response = desk.post("/desk/inquiries/new/", {
        "channel": "letter", "received_at": "2026-11-02 10:00", "name": SHORT[:200], "email": "",
        "role": "patient", "language": "en", "condition": SHORT, "question": ALL,
        "attachment": SimpleUploadedFile(f"{SHORT[:60]}.eml", b"Subject: hi\n\nhello", "message/rfc822"),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    inquiry = Inquiry.objects.latest("pk")
    desk.post(f"/desk/inquiries/{inquiry.pk}/note/", {"note": ALL})
    desk.post(f"/desk/inquiries/{inquiry.pk}/take/")
    detail = assert_no_live_markup(desk.get(f"/desk/inquiries/{inquiry.pk}/"), "detail with a hostile note")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    attachment = inquiry.attachments.get()
    download = desk.get(f"/desk/inquiries/{inquiry.pk}/attachments/{attachment.pk}/")
    assert "\n" not in download["Content-Disposition"] and "<script" not in download["Content-Disposition"]

    reply = make_reply(alice, inquiry=inquiry)
    desk.post(f"/desk/replies/{reply.pk}/title/", {"title": ALL[:1000], "version": reply.version})
    reply.refresh_from_db()
    desk.post(f"/desk/replies/{reply.pk}/add/custom/", {"heading": SHORT, "body": ALL, "version": reply.version})
    reply.refresh_from_db()
    assert reply.blocks.filter(kind="custom", body=ALL).exists() and reply.title.startswith("<script>")
    desk.post(f"/desk/replies/{reply.pk}/review/submit/", {"version": reply.version})
    reply.refresh_from_db()
    review = login(rita)
    review.post(f"/desk/replies/{reply.pk}/review/return/", {"version": reply.version, "comment": ALL})
    reply.refresh_from_db()
    assert reply.status == "drafting" and reply.review_comment
    desk = login(alice)
    assert_no_live_markup(desk.get(f"/desk/replies/{reply.pk}/"), "composer with a returned reply")
    check_exports(desk, reply)
