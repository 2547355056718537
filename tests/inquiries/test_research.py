"""'Research needed': the library has nothing on what was asked, and the queue shows it."""

import pytest

from inquiries.models import Inquiry
from inquiries.services import inquiry_flag_research
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db


def test_it_flags_research_with_a_timeline_entry_once(alice):
    inquiry = make_inquiry()
    assert inquiry_flag_research(inquiry=inquiry, needed=True, by=alice, note="No topic matched.")
    assert not inquiry_flag_research(inquiry=inquiry, needed=True, by=alice)
    inquiry.refresh_from_db()
    assert inquiry.research_needed
    assert list(inquiry.events.values_list("action", "note")) == [("inquiry.research_needed", "No topic matched.")]


def test_it_shows_and_filters_research_needed_in_the_queue(login, sam):
    gap = make_inquiry(research_needed=True)
    other = make_inquiry()
    client = login(sam)
    response = client.get("/desk/inquiries/")
    assert response.content.count(b"Research needed</span>") == 1
    assert {i.reference for i in response.context["page"]} == {gap.reference, other.reference}
    response = client.get("/desk/inquiries/", {"research": "on"})
    assert [i.reference for i in response.context["page"]] == [gap.reference]


def test_it_clears_and_sets_the_flag_from_the_inquiry_page(login, alice):
    inquiry = make_inquiry(research_needed=True)
    client = login(alice)
    assert b"Research needed</span>" in client.get(inquiry.get_absolute_url()).content
    response = client.post(f"/desk/inquiries/{inquiry.pk}/research/", {"needed": "0"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert not inquiry.research_needed
    assert inquiry.events.get().action == "inquiry.research_done"
    client.post(f"/desk/inquiries/{inquiry.pk}/research/", {"needed": "1"})
    assert Inquiry.objects.get(pk=inquiry.pk).research_needed


def test_it_refuses_bad_input_get_and_roles_without_cases(login, alice, lee, client):
    inquiry = make_inquiry()
    url = f"/desk/inquiries/{inquiry.pk}/research/"
    assert login(alice).post(url, {"needed": "maybe"}).status_code == 302
    assert login(alice).get(url).status_code == 405
    assert login(lee).post(url, {"needed": "1"}).status_code == 403
    client.logout()
    assert "/login/" in client.post(url, {"needed": "1"})["Location"]
    inquiry.refresh_from_db()
    assert not inquiry.research_needed and not inquiry.events.exists()
