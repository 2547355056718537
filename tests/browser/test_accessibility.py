"""axe-core in Chromium: no serious or critical violations on the pages people use most.

The public form (in English and Spanish, and with its errors), the queue, the composer, the
letter preview (the composer's preview pane, and the letter as the emailed/downloaded HTML
document), and the other desk pages a specialist opens every day. And the public form by
keyboard alone.
axe-core comes from npm (package.json; `make setup` installs it).
"""

import pytest

from lib import roles
from tests.browser.conftest import AXE, require_chromium
from tests.conftest import PASSWORD, make_user

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def drafted(example_library, desk_settings):
    """An inquiry about the example letter's topic, taken by Alice, with a reply drafted from suggestions."""
    from inquiries.services import inquiry_create, inquiry_take
    from replies.composer.services import reply_start

    alice = make_user("alice", roles.SPECIALIST)
    inquiry = inquiry_create(name="Pat Doe", email="pat@example.org", condition="scleromyxedema",
                             question="What causes scleromyxedema and how is it treated?")
    inquiry = inquiry_take(inquiry=inquiry, by=alice)
    return reply_start(inquiry=inquiry, by=alice, sections="auto")


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for page, violations in found.items():
        for violation in violations:
            lines.append(f"{page}: [{violation['impact']}] {violation['id']}: {violation['help']}"
                         f" at {violation['nodes']}")
    return "\n".join(lines)


def test_it_has_no_serious_accessibility_violations(session, drafted):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm install)")
    found = {}
    public = session("public")
    public.page.goto("/ask/")
    found["public form"] = public.axe()
    switch = "form[action$='/i18n/setlang/']"
    public.page.select_option(f"{switch} select", "es")
    public.page.click(f"{switch} button[type=submit]")
    public.page.wait_for_selector("html[lang=es]")
    found["public form (es)"] = public.axe()
    public.page.click("form[action$='/ask/'] button[type=submit]")  # an empty submission: the form with its errors
    public.page.wait_for_selector("#form-errors")
    public.screenshot("a11y-public-form-errors")
    found["public form with errors"] = public.axe()

    desk = session("alice")
    desk.log_in("alice", PASSWORD)
    desk.page.goto("/desk/inquiries/")
    found["queue"] = desk.axe()
    desk.page.goto(f"/desk/replies/{drafted.pk}/")
    found["composer"] = desk.axe()
    found["letter preview"] = desk.axe("#letter-preview")
    html = desk.page.request.get(f"/desk/deliveries/reply/{drafted.pk}/export/html/").text()
    desk.page.set_content(html)
    desk.screenshot("a11y-letter-document")
    found["letter document (HTML export, email)"] = desk.axe()

    for name, url in {
        "login": "/accounts/login/",
        "dashboard": "/desk/",
        "inquiry detail": f"/desk/inquiries/{drafted.inquiry_id}/",
        "block editor": f"/desk/replies/{drafted.pk}/blocks/{drafted.blocks.first().pk}/edit/",
        "library search": "/desk/library/?q=scleromyxedema",
        "library topic": f"/desk/library/topics/{drafted.inquiry.topics.first().pk}/",
        "new inquiry (staff entry)": "/desk/inquiries/new/",
    }.items():
        desk.page.goto(url)
        found[name] = desk.axe()

    found = {page: violations for page, violations in found.items() if violations}
    assert not found, "serious or critical accessibility violations:\n" + report(found)


def test_it_lets_a_keyboard_user_ask_a_question(session, example_library, desk_settings):
    from inquiries.models import Inquiry

    public = session("keyboard")
    page = public.page
    page.goto("/ask/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    typed = {"id_name": "Kim Lee", "id_email": "kim@example.org",
             "id_question": "Is scleromyxedema inherited, and could my children get it?"}
    for _ in range(40):  # Tab through the form, typing into the fields we know, until the submit button
        page.keyboard.press("Tab")
        focused, submits = page.evaluate(
            "[document.activeElement.id, document.activeElement.matches(\"form[action$='/ask/'] [type=submit]\")]"
        )
        if focused in typed:
            page.keyboard.type(typed.pop(focused))
        if submits:
            break
    assert not typed, f"never reached by Tab: {typed}"
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask/thanks/**")
    assert Inquiry.objects.get().requester.name == "Kim Lee"
