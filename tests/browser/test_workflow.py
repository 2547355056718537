"""The whole cycle in Chromium: a question from the public to the sent letter with its PDF.

A member of the public asks at /ask/; Alice (Specialist) logs in, takes the inquiry, drafts
a reply from suggestions, moves a section, previews and submits it for review; Rita
(Reviewer) approves; Alice sends it by email; the inquiry shows "Sent" with the PDF in its
deliveries and timeline. Each page is saved under var/screenshots/.
"""

import re

import pytest
from django.core import mail

from inquiries.models import Inquiry
from lib import roles
from replies.models import Delivery, Reply
from tests.browser.conftest import AXE, require_chromium
from tests.conftest import PASSWORD, make_user

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "What causes scleromyxedema and how is it treated?"


def ask(public) -> str:
    page = public.page
    page.goto("/ask/")
    page.fill("#id_name", "Pat Doe")
    page.fill("#id_email", "pat@example.org")
    page.select_option("#id_role", "family")
    page.fill("#id_condition", "scleromyxedema")
    page.fill("#id_question", QUESTION + " My mother was just diagnosed.")
    page.check("#id_consent_to_keep")
    public.screenshot("01-public-form")
    page.click("form[action$='/ask/'] button[type=submit]")
    page.wait_for_url("**/ask/thanks/**")
    public.screenshot("02-public-thanks")
    reference = re.search(r"RD-\d{4}-\d{6}", page.inner_text("main"))
    assert reference, page.inner_text("main")
    return reference.group(0)


def take_and_draft(desk, reference: str) -> Reply:
    page = desk.page
    desk.screenshot("03-desk-dashboard")
    page.click("nav a[href='/desk/inquiries/']")
    page.wait_for_url("**/desk/inquiries/")
    desk.screenshot("04-queue")
    page.click(f"main a:text-is('{reference}')")
    page.wait_for_selector(f"h1:text-is('{reference}')")
    page.click("form[action$='/take/'] button")
    page.wait_for_selector("#assignee:text-is('alice')")
    desk.screenshot("05-inquiry-taken")
    page.check("input[name=sections][value=auto]")  # "Draft from suggestions"
    page.click("form[action*='/desk/replies/start/'] button[type=submit]")
    page.wait_for_selector("#composer")
    return Reply.objects.get(inquiry__reference=reference)


def section_headings(reply: Reply) -> list[str]:
    return list(reply.blocks.filter(kind="section").order_by("position").values_list("heading", flat=True))


def reorder_and_preview(desk, reply: Reply) -> None:
    page = desk.page
    before = section_headings(reply)
    assert len(before) >= 2, f"the suggestions gave {before}"
    desk.screenshot("06-composer-drafted")
    first = reply.blocks.filter(kind="section").order_by("position").first()
    page.click(f"#composer-block-{first.pk} button[aria-label$='down']")
    expected = [before[1], before[0], *before[2:]]
    page.wait_for_function(
        "([a, b]) => { const t = document.querySelector('#letter-preview').innerText;"
        " return t.indexOf(a) >= 0 && t.indexOf(a) < t.indexOf(b); }",
        arg=[expected[0], expected[1]],
    )
    assert section_headings(reply) == expected
    preview = page.inner_text("#letter-preview")
    assert "Last updated" in preview and "We hope this information is helpful" in preview
    page.locator("#letter-preview").scroll_into_view_if_needed()
    desk.screenshot("07-composer-reordered-preview")


def submit_for_review(desk, reply: Reply) -> None:
    desk.page.click("form[action$='/review/submit/'] button")
    desk.page.wait_for_selector("#reply-status:text-is('In review')")
    desk.screenshot("08-submitted-for-review")


def approve(reviewer, reply: Reply) -> None:
    page = reviewer.page
    page.goto(f"/desk/replies/{reply.pk}/")
    page.click("form[action$='/review/approve/'] button")
    page.wait_for_selector("#reply-status:text-is('Approved')")
    reviewer.screenshot("09-approved-by-reviewer")


def send(desk, reply: Reply) -> None:
    page = desk.page
    page.goto(f"/desk/replies/{reply.pk}/")
    if page.locator("#confirm-stale").count():
        page.check("#confirm-stale")
    page.click("form[action*='/desk/deliveries/send/'] button[type=submit]")
    page.wait_for_url(f"**/desk/deliveries/send/{reply.pk}/")
    page.check("input[name=method][value=email]")
    page.check("#attach-pdf")
    if page.locator("#confirm-stale").count():
        page.check("#confirm-stale")
    desk.screenshot("10-send-form")
    if AXE.exists():
        desk.violations["send page"] = desk.axe()
    page.click("form:has(input[name=method]) button[type=submit]")
    page.wait_for_url("**/desk/inquiries/*/**")


def test_it_answers_a_question_from_the_public_form_to_the_sent_letter(session, example_library, desk_settings):
    make_user("alice", roles.SPECIALIST)
    make_user("rita", roles.SPECIALIST, roles.REVIEWER)

    public = session("public")
    reference = ask(public)
    inquiry = Inquiry.objects.get(reference=reference)
    assert inquiry.requester.name == "Pat Doe" and inquiry.status == "new"

    desk = session("alice")
    desk.log_in("alice", PASSWORD)
    reply = take_and_draft(desk, reference)
    reorder_and_preview(desk, reply)
    submit_for_review(desk, reply)
    desk.log_out()

    reviewer = session("rita")
    reviewer.log_in("rita", PASSWORD)
    approve(reviewer, reply)

    desk.log_in("alice", PASSWORD)
    send(desk, reply)
    page = desk.page
    page.wait_for_selector("#deliveries .badge:text-is('Sent')")
    page.locator("#deliveries").scroll_into_view_if_needed()
    desk.screenshot("11-inquiry-sent")
    if AXE.exists():
        desk.violations["inquiry with its delivery"] = desk.axe()

    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.SENT
    delivery = Delivery.objects.get(reply=reply)
    assert delivery.status == Delivery.Status.SENT and delivery.pdf_sha256
    assert len(mail.outbox) == 2  # the requester's confirmation, then the letter
    letter = mail.outbox[1]
    assert letter.to == ["Pat Doe <pat@example.org>"]
    assert [name for name, _, _ in letter.attachments if name.endswith(".pdf")]

    status = page.inner_text("main .badge >> nth=0")
    assert status == "Sent", status
    sent = page.locator("#timeline li:has([data-action='reply.sent'])").inner_text()
    assert f"SHA-256 {delivery.pdf_sha256}" in sent, sent  # the PDF that went out, in the timeline
    pdf_link = page.locator("#deliveries a:text-is('PDF')").first
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    page.reload()
    downloaded = page.locator("#timeline li:has([data-action='delivery.downloaded'])")
    assert "(pdf, SHA-256 " in downloaded.inner_text() and delivery.pdf_sha256 in downloaded.inner_text()
    assert not [e for e in desk.errors + public.errors + reviewer.errors if "Content Security Policy" in e]
    assert not {page: found for page, found in desk.violations.items() if found}, desk.violations
