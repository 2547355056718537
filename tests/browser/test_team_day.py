"""A day of a team in Chromium: Sam assigns → Alice is notified, drafts with a text module →
Rita returns the reply → Alice is notified, fixes it → Rita approves → Alice sends it by email
and as a printed letter (two deliveries, both archived). Screenshots under var/screenshots/."""

import pytest
from django.core import mail

from inquiries.models import Inquiry
from inquiries.services import inquiry_create
from lib import roles
from library.models import StandardText
from replies.models import Delivery, Reply
from tests.browser.conftest import AXE, require_chromium
from tests.conftest import PASSWORD, make_user

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNSELOR = "Please consult a genetic counselor about {topic}, {requester_name}."


@pytest.fixture
def team(example_library, desk_settings):
    make_user("alice", roles.SPECIALIST)
    make_user("rita", roles.SPECIALIST, roles.REVIEWER)
    make_user("sam", roles.SUPERVISOR, roles.SPECIALIST)
    StandardText.objects.create(kind=StandardText.Kind.PARAGRAPH, language="en", name="Genetic counselor",
                                shortcut="counselor", body=COUNSELOR)
    return inquiry_create(name="Pat Doe", email="pat@example.org", condition="scleromyxedema",
                          question="What causes scleromyxedema and how is it treated?")


def unread(desk) -> str:
    return desk.page.inner_text("#unread-count")


def assign(supervisor, inquiry) -> None:
    page = supervisor.page
    page.goto(f"/desk/inquiries/{inquiry.pk}/")
    page.select_option("#id_assignee", label="alice")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_selector("#assignee:text-is('alice')")
    supervisor.screenshot("team-01-assigned")


def open_notification(desk, inquiry, kind: str) -> None:
    page = desk.page
    page.click("#nav-bell")
    page.wait_for_url("**/desk/notifications/")
    assert kind in page.inner_text("#notifications li.unread >> nth=0")
    desk.screenshot(f"team-notifications-{kind.split()[-1]}")
    page.click(f"#notifications li.unread >> nth=0 >> button:text-is('Open {inquiry.reference}')")
    page.wait_for_url(f"**/desk/inquiries/{inquiry.pk}/")
    assert unread(desk) == "0"


def edit_first_section(desk, reply: Reply, *, text: str = "", module: str = "") -> None:
    page = desk.page
    block = reply.blocks.filter(kind="section").order_by("position").first()
    page.goto(f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/")
    textarea = page.locator(f"#edit-body-{block.pk}")
    textarea.click()
    page.keyboard.press("Control+End")
    if module:
        page.keyboard.type(f"\n\n::{module}")
        page.keyboard.press("Tab")
        page.wait_for_function(f"document.querySelector('#edit-body-{block.pk}').value.includes('genetic counselor')")
        desk.screenshot("team-04-text-module-inserted")
    if text:
        page.keyboard.type(text)
    page.click("#block-edit-form button[type=submit]:text-is('Save')")
    # Saved: the composer replaces the edit form (both pages have #composer, so wait for the form to go).
    page.wait_for_selector(f"#edit-body-{block.pk}", state="detached")


def review(reviewer, reply: Reply, action: str, comment: str = "") -> None:
    page = reviewer.page
    page.goto(f"/desk/replies/{reply.pk}/")
    if comment:
        page.fill("#return-comment", comment)
        page.click("form[action$='/review/return/'] button")
        page.wait_for_selector("#reply-status:text-is('Drafting')")
    else:
        page.click("form[action$='/review/approve/'] button")
        page.wait_for_selector("#reply-status:text-is('Approved')")
    reviewer.screenshot(f"team-review-{action}")


def submit(desk, reply: Reply) -> None:
    desk.page.goto(f"/desk/replies/{reply.pk}/")
    desk.page.click("form[action$='/review/submit/'] button")
    desk.page.wait_for_selector("#reply-status:text-is('In review')")


def send(desk, reply: Reply, method: str) -> None:
    page = desk.page
    page.goto(f"/desk/deliveries/send/{reply.pk}/")
    page.check(f"input[name=method][value={method}]")
    if page.locator("#confirm-stale").count():
        page.check("#confirm-stale")
    page.click("form#send button[type=submit]")
    page.wait_for_url("**/desk/inquiries/*/**")
    page.wait_for_function(
        f"[...document.querySelectorAll('#deliveries li')].filter(li => li.innerText.includes('Sent')).length"
        f" >= {Delivery.objects.filter(reply=reply).count()}"
    )


def test_it_carries_a_team_through_a_day(session, team):
    inquiry = team
    supervisor = session("sam")
    supervisor.log_in("sam", PASSWORD)
    assign(supervisor, inquiry)

    desk = session("alice")
    desk.log_in("alice", PASSWORD)
    assert unread(desk) == "1"
    open_notification(desk, inquiry, "Assigned to you")
    desk.page.click("form[action*='/desk/replies/start/'] button[type=submit]")
    desk.page.wait_for_selector("#composer")
    reply = Reply.objects.get(inquiry=inquiry)
    edit_first_section(desk, reply, module="counselor")
    assert "Please consult a genetic counselor about Scleromyxedema, Pat." in reply.blocks.filter(
        kind="section").order_by("position").first().body
    submit(desk, reply)

    reviewer = session("rita")
    reviewer.log_in("rita", PASSWORD)
    review(reviewer, reply, "return", comment="Say when the overview was last checked.")

    desk.page.goto("/desk/")
    assert unread(desk) == "1"
    assert desk.page.inner_text("#nav-returned .badge") == "1"
    assert desk.page.locator("section[aria-labelledby=mine-heading] .returned").count() == 1
    desk.screenshot("team-05-returned-on-dashboard")
    open_notification(desk, inquiry, "Your reply was returned")
    edit_first_section(desk, reply, text=" Checked today.")
    submit(desk, reply)
    review(reviewer, reply, "approve")

    desk.page.goto("/desk/")
    assert unread(desk) == "1"
    open_notification(desk, inquiry, "Your reply was approved")
    send(desk, reply, "email")
    send(desk, reply, "letter")
    desk.screenshot("team-06-sent-twice")
    if AXE.exists():
        desk.violations["inquiry with two deliveries"] = desk.axe()
        desk.page.goto("/desk/notifications/")
        desk.violations["notifications"] = desk.axe()

    deliveries = {d.method: d for d in Delivery.objects.filter(reply=reply)}
    assert {m: d.status for m, d in deliveries.items()} == {"email": "sent", "letter": "sent"}
    assert deliveries["email"].eml_sha256 and deliveries["letter"].pdf_sha256
    assert [m.to for m in mail.outbox][-1] == ["Pat Doe <pat@example.org>"]
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.SENT
    timeline = desk.page.goto(f"/desk/inquiries/{inquiry.pk}/") and desk.page.inner_text("#timeline")
    assert "sam assigned the inquiry to alice." in timeline
    assert "rita returned the reply to its author." in timeline
    assert "alice sent the reply (as a printed letter)." in timeline
    assert not [e for s in (desk, reviewer, supervisor) for e in s.errors if "Content Security Policy" in e]
    assert not {page: found for page, found in desk.violations.items() if found}, desk.violations
