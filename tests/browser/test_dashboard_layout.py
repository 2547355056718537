"""The dashboard at a laptop's 1280 px and a phone's 390 px: nothing overlaps, nothing scrolls
sideways, and axe-core finds no serious violation at either width."""

import datetime as dt

import pytest
from django.utils import timezone

from lib import roles
from tests.browser.conftest import AXE, require_chromium
from tests.conftest import PASSWORD, make_inquiry, make_requester, make_user

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every list section's table inside its own section, and the page no wider than the window.
LAYOUT = """() => {
  const sections = [...document.querySelectorAll('main section')].map(section => {
    const box = section.getBoundingClientRect();
    const style = getComputedStyle(section);
    const table = section.querySelector('table').getBoundingClientRect();
    return {id: section.getAttribute('aria-labelledby'), left: box.left + parseFloat(style.paddingLeft),
            right: box.right - parseFloat(style.paddingRight),
            tableLeft: table.left, tableRight: table.right, tableTop: table.top, tableBottom: table.bottom};
  });
  return {sections, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


@pytest.fixture
def busy_desk(transactional_db):
    alice = make_user("alice", roles.SPECIALIST)
    long_ago = timezone.now() - dt.timedelta(days=40)
    for i in range(4):
        requester = make_requester(name=f"Maximiliana Gutiérrez-Oyarzábal {i}", email=f"m{i}@example.org")
        make_inquiry(requester, received_at=long_ago, status="drafting", assignee=alice)  # mine and overdue
        make_inquiry(requester)  # unassigned
    return alice


def overlaps(a: dict, b: dict) -> bool:
    return a["tableLeft"] < b["tableRight"] and b["tableLeft"] < a["tableRight"] and (
        a["tableTop"] < b["tableBottom"] and b["tableTop"] < a["tableBottom"])


@pytest.mark.parametrize("width", [1280, 390])
def test_it_lays_out_the_dashboard_without_overlap_or_sideways_scrolling(session, busy_desk, width):
    desk = session(f"dashboard-{width}")
    desk.page.set_viewport_size({"width": width, "height": 900})
    desk.log_in("alice", PASSWORD)
    desk.screenshot(f"dashboard-{width}px")
    layout = desk.page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["width"], "the page scrolls sideways"
    sections = layout["sections"]
    assert len(sections) >= 3
    for section in sections:
        assert section["tableRight"] <= section["right"] + 1, f"{section['id']} runs out of its column"
        assert section["tableLeft"] >= section["left"] - 1, f"{section['id']} runs out of its column"
    for i, one in enumerate(sections):
        for other in sections[i + 1:]:
            assert not overlaps(one, other), f"{one['id']} overlaps {other['id']}"
    if AXE.exists():
        assert desk.axe() == []
