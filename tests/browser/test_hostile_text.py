"""Hostile text in a real browser: typed at /ask/ and stored in the library, then shown on the
desk. Nothing may run: every alert() the payloads try would open a dialog, and none may.

The contexts bypass the CSP (to inject axe-core elsewhere), so this checks the escaping
itself, not the CSP's second line of defence.
"""

import pytest

from inquiries.models import Inquiry
from lib import roles
from library.models import Section, Topic
from tests.browser.conftest import require_chromium
from tests.conftest import PASSWORD, make_user
from tests.quality.hostile import ALL, SHORT

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_runs_no_typed_script_anywhere(session, example_library, desk_settings):
    make_user("alice", roles.SPECIALIST)
    Topic.objects.create(name='<img src=x onerror=alert("topic")>oma', synonyms=[])
    Section.objects.filter(kind="cause").update(heading=SHORT, body=f"{ALL}\n\nThe cause is unknown.[@rongioletti2015]")

    public = session("public")
    page = public.page
    page.goto("/ask/")
    page.fill("#id_name", SHORT[:200])
    page.fill("#id_email", "pat@example.org")
    page.type("#id_condition", "<img src")  # the autocomplete offers the hostile topic name
    page.wait_for_timeout(600)
    page.fill("#id_condition", "scleromyxedema " + SHORT[:200])
    page.fill("#id_question", "What causes scleromyxedema?\n\n" + ALL)
    page.click("form[action$='/ask/'] button[type=submit]")
    page.wait_for_url("**/ask/thanks/**")
    inquiry = Inquiry.objects.get()
    assert inquiry.requester.name == SHORT[:200]

    desk = session("alice")
    desk.log_in("alice", PASSWORD)
    for url in ("/desk/", "/desk/inquiries/", f"/desk/inquiries/?q={SHORT[:40]}", inquiry.get_absolute_url(),
                "/desk/library/?q=img", f"/desk/library/topics/{Section.objects.first().topic_id}/"):
        desk.page.goto(url)
    desk.page.goto(inquiry.get_absolute_url())
    desk.page.check("input[name=sections][value=auto]")
    desk.page.click("form[action*='/desk/replies/start/'] button[type=submit]")
    desk.page.wait_for_selector("#letter-preview")
    reply = inquiry.replies.get()
    assert reply.blocks.filter(heading=SHORT).exists(), "the hostile section is in the letter"
    desk.screenshot("hostile-composer")
    html = desk.page.request.get(f"/desk/deliveries/reply/{reply.pk}/export/html/").text()
    desk.page.set_content(html)
    desk.page.wait_for_timeout(300)  # onerror/onload handlers would have fired by now
    assert public.dialogs == [] and desk.dialogs == [], public.dialogs + desk.dialogs
