"""Chromium through Playwright (sync API) against pytest-django's live_server.

Debian's Chromium at /usr/bin/chromium (`make test` installs it when run as root); never `playwright install`.
Every test module here starts with `require_chromium()`, which skips the module with a
visible reason (pytest -ra) when Chromium or Playwright is missing.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import EXAMPLE_LETTER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
EXAMPLE = EXAMPLE_LETTER
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                    allow_module_level=True)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need Playwright for Python (pip install -r requirements.txt)",
                    allow_module_level=True)


@pytest.fixture
def browser():
    """One headless Chromium per test; Django may use the ORM next to Playwright's event loop."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class Session:
    """A browser context with the helpers every workflow step needs."""

    def __init__(self, browser, base_url: str, name: str):
        # bypass_csp only so that axe-core can be injected; CSP violations are still caught
        # by test_url_walk (no inline scripts or styles in any page) and by console errors.
        self.context = browser.new_context(base_url=base_url, bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(20_000)  # generous: CI machines are shared and a send renders a PDF
        self.page = self.context.new_page()
        self.name = name
        self.errors: list[str] = []
        self.violations: dict[str, list[dict]] = {}  # page → serious/critical axe findings, for the test to assert
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # An alert() from a page means typed text ran as script: record it (tests assert none).
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(f"{dialog.type}: {dialog.message}"),
                                                dialog.dismiss()))

    def screenshot(self, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def log_in(self, username: str, password: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main form[method=post] button[type=submit]")
        self.page.wait_for_url("**/desk/")

    def log_out(self) -> None:
        self.page.click("form[action$='/accounts/logout/'] button")
        self.page.wait_for_url("**/accounts/login/")

    def axe(self, context: str | None = None) -> list[dict]:
        """Serious and critical axe-core violations on the current page (or in one part of it)."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async (selector) => await axe.run(selector ? document.querySelector(selector) : document,"
            " {resultTypes: ['violations']})",
            context,
        )
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["target"] for node in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]

    def close(self) -> None:
        self.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def session(request, browser, live_server):
    """open_session(name) → a new browser session (its own cookies); on failure each is screenshotted."""
    sessions = []

    def open_session(name: str = "browser") -> Session:
        sessions.append(Session(browser, live_server.url, name))
        return sessions[-1]

    yield open_session
    for each in sessions:
        if getattr(request.node, "browser_failed", False):
            each.screenshot(f"failed-{request.node.name[:60]}-{each.name}")
        each.close()


@pytest.fixture
def example_library(transactional_db):
    """The library of the example letter, imported the way operators do it."""
    call_command("import_gard", str(EXAMPLE), stdout=io.StringIO())


@pytest.fixture
def desk_settings(settings):
    settings.INQUIRY_MIN_FILL_SECONDS = 0  # a robot fills the form faster than a person
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings
