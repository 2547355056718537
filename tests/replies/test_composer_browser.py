"""The composer in Chromium: htmx swaps the composer in place, under the real CSP."""

import os
import shutil

import pytest

from library.services import section_update
from replies.composer.services import reply_start
from replies.models import AnsweredLetter, Reply
from replies.outbox.deliveries import delivery_queue
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic

from .factories import make_reply

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")]


@pytest.fixture
def page(live_server, client, alice):
    playwright = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM, next to Playwright's event loop
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        page = context.new_page()
        page.csp_errors = []
        page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def settled(page) -> None:
    """Wait until htmx has finished swapping and processing new content: a key pressed on a
    button htmx has not processed yet would submit its form with a full page load.
    (Polled from Python: the CSP forbids the eval behind Playwright's wait_for_function.)"""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    for _ in range(200):
        if page.locator(busy).count() == 0:
            break
        page.wait_for_timeout(25)
    page.wait_for_timeout(50)


def test_it_moves_edits_and_previews_in_place(page, alice):
    make_standard_texts()
    reply = make_reply(alice)
    make_section(reply.inquiry.topics.get(), "diagnosis", heading="How is it diagnosed?", body="A skin biopsy.")
    first, second = reply.blocks.filter(kind="section").order_by("position")
    page.goto(reply.get_absolute_url())
    settled(page)
    page.evaluate("window.stillHere = true")

    page.locator(f"#move-up-{second.pk}").focus()
    page.keyboard.press("Enter")  # keyboard only
    page.locator(f"#composer-block-{second.pk} + #composer-block-{first.pk}").wait_for()
    page.locator(f"#move-up-{second.pk}:focus").wait_for()  # focus stays on the moved block's button
    settled(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # its "down" button
    page.locator(f"#composer-block-{first.pk} + #composer-block-{second.pk}").wait_for()
    settled(page)
    assert page.evaluate("window.stillHere") is True  # swapped in place, no page load
    assert page.locator("#composer").get_attribute("hx-boost") == "true"

    page.locator(f"#composer-block-{first.pk} a:text('Edit')").click()
    textarea = page.locator(f"#edit-body-{first.pk}")
    textarea.wait_for()
    settled(page)  # the edit form swapped in must be processed before typing triggers its preview
    textarea.fill("A **new** overview.[@ref1]")
    textarea.press("End")
    page.locator(f"#md-preview-{first.pk} strong").wait_for()
    settled(page)
    page.locator(f"#composer-block-{first.pk} button:text('Save')").click()
    page.locator("#letter-preview :text('A new overview.')").wait_for()
    settled(page)
    assert page.evaluate("window.stillHere") is True
    first.refresh_from_db()
    assert first.body == "A **new** overview.[@ref1]"
    page.locator("#library-q").type("biopsy")  # searched as you type
    page.locator("#library h3:text('Results for “biopsy”') + ul :text('How is it diagnosed?')").wait_for()
    assert page.evaluate("window.stillHere") is True
    assert page.csp_errors == []


def test_it_uses_a_did_you_mean_topic_only_after_the_click(page, alice):
    make_standard_texts()
    topic = make_topic("Scleromyxedema")
    make_section(topic, "overview", heading="What is scleromyxedema?", body="A rare skin disorder.")
    make_section(topic, "cause", heading="What causes scleromyxedema?", body="The cause is unknown.")
    inquiry = make_inquiry(question="What causes scleromixedema?", assignee=alice)
    reply = reply_start(inquiry=inquiry, by=alice, sections="auto")
    page.goto(reply.get_absolute_url())
    settled(page)
    assert page.locator("#letter-preview :text('The cause is unknown.')").count() == 0
    page.locator("#did-you-mean button:text('Scleromyxedema?')").click()
    page.locator("#letter-preview :text('The cause is unknown.')").wait_for()
    settled(page)
    assert page.locator("#letter-preview .letter-title").inner_text() == "What causes scleromyxedema?"
    assert page.locator("#did-you-mean").count() == 0
    assert page.csp_errors == []


def test_it_starts_from_a_letter_answered_before_and_corrects_a_kind_in_place(page, alice, lee):
    make_standard_texts()
    sent = make_reply(alice, question="What causes scleromyxedema?")
    Reply.objects.filter(pk=sent.pk).update(status=Reply.Status.APPROVED)
    delivery_queue(reply=Reply.objects.get(pk=sent.pk), by=alice, method="letter")  # sent after the commit
    letter = AnsweredLetter.objects.get(reply=sent)
    cause = sent.blocks.get(section__kind="cause").section
    section_update(section=cause, by=lee, heading=cause.heading, body="A newer cause.[@ref2]")
    inquiry = make_inquiry(question="Why do people get scleromyxedema?", topics=sent.inquiry.topics.all(),
                           assignee=alice)
    reply = make_reply(alice, inquiry=inquiry, sections="none")

    page.goto(reply.get_absolute_url())
    settled(page)
    page.evaluate("window.stillHere = true")
    page.locator("#answered-before button:text('Start from this letter')").click()
    page.locator("#composer :text('Copied the sections of the letter sent')").wait_for()
    settled(page)
    assert page.evaluate("window.stillHere") is True
    copied = reply.blocks.get(section=cause)
    assert copied.source_history_id == sent.blocks.get(section=cause).source_history_id
    page.locator(f"#composer-block-{copied.pk} .drift").wait_for()  # the library changed since that letter

    page.locator("#asked-kinds button:text('Prognosis')").click()
    page.locator("#asked-kinds button[aria-pressed='true']:text('Prognosis')").wait_for()
    settled(page)
    assert page.evaluate("window.stillHere") is True
    assert letter.reply_id == sent.pk and page.csp_errors == []
