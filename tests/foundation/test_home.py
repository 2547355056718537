import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_public_form(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ask/"


def test_it_sends_staff_to_the_desk(login, alice):
    response = login(alice).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


def test_it_sends_an_account_without_a_role_to_the_public_form(login, charlie):
    assert login(charlie).get("/")["Location"] == "/ask/"


def test_it_serves_the_login_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_it_logs_in_with_a_real_password(client, alice):
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/desk/", 302)
    assert response.status_code == 200


def test_it_lands_a_library_editor_on_the_library_after_login(client, lee):
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "lee", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/desk/library/", 302)
    assert response.status_code == 200


def test_it_serves_static_files_from_the_project(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/bootstrap.min.css")
    assert finders.find("vendor/htmx/htmx.min.js")


def test_it_sends_a_library_editor_to_the_library(login, lee):
    assert login(lee).get("/")["Location"] == "/desk/library/"


def test_it_offers_a_library_editor_no_inquiry_links(login, lee):
    page = login(lee).get("/desk/library/").content.decode()
    assert 'href="/desk/library/"' in page
    assert 'href="/desk/inquiries/"' not in page
