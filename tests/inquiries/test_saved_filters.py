"""Saved queue filters: each person keeps their own."""

import pytest

from inquiries.models import SavedFilter

pytestmark = pytest.mark.django_db


def save(client, name, query):
    return client.post("/desk/inquiries/filters/", {"name": name, "query": query})


def test_it_saves_the_current_filter_and_lists_it(login, alice):
    client = login(alice)
    response = save(client, "My phone calls", "view=mine&channel=phone&page=3&evil=1")
    saved = SavedFilter.objects.get(owner=alice)
    assert saved.query == "view=mine&channel=phone"  # the page and unknown keys are not kept
    assert response["Location"] == "/desk/inquiries/?view=mine&channel=phone"
    assert 'href="/desk/inquiries/?view=mine&amp;channel=phone">My phone calls<' in client.get(
        "/desk/inquiries/"
    ).content.decode()


def test_it_replaces_a_filter_saved_again_under_the_same_name(login, alice):
    client = login(alice)
    save(client, "Mine", "view=mine")
    save(client, "Mine", "view=overdue")
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mine", "view=overdue")]


def test_it_keeps_each_persons_filters_to_themselves(login, alice, bob):
    save(login(alice), "Alice's", "view=mine")
    other = SavedFilter.objects.get()
    client = login(bob)
    assert b"Alice&#x27;s</a>" not in client.get("/desk/inquiries/").content
    assert client.post(f"/desk/inquiries/filters/{other.pk}/delete/").status_code == 404
    assert SavedFilter.objects.count() == 1


def test_it_deletes_ones_own_filter(login, alice):
    client = login(alice)
    save(client, "Mine", "view=mine")
    response = client.post(f"/desk/inquiries/filters/{SavedFilter.objects.get().pk}/delete/")
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize(
    ("name", "query"), [("", "view=mine"), ("   ", "view=mine"), ("Bad view", "view=everything"), ("x" * 81, "")]
)
def test_it_refuses_a_bad_filter_and_saves_nothing(login, alice, name, query):
    response = save(login(alice), name, query)
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


def test_it_refuses_get_anonymous_and_roleless_users(client, login, charlie):
    assert client.post("/desk/inquiries/filters/", {"name": "x"})["Location"].startswith("/accounts/login/")
    assert login(charlie).post("/desk/inquiries/filters/", {"name": "x"}).status_code == 403
    assert not SavedFilter.objects.exists()


def test_it_refuses_get_on_saving(login, alice):
    assert login(alice).get("/desk/inquiries/filters/").status_code == 405
