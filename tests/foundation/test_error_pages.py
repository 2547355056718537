import pytest
from django.test import Client, override_settings

from lib import roles
from tests.conftest import make_user


def styled(response) -> bool:
    return b"vendor/bootstrap/bootstrap.min.css" in response.content and b"Reply Desk" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, heading", [("en", "Page not found"), ("es", "Página no encontrada")]
)
def test_it_shows_a_styled_404_page_in_the_visitors_language(client, language, heading):
    response = client.get("/desk/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert styled(response)
    assert heading in response.content.decode()
    assert f'<html lang="{language}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language, heading", [("en", "Not allowed"), ("es", "Acceso no permitido")])
def test_it_shows_a_styled_403_page_in_the_visitors_language(client, language, heading):
    client.force_login(make_user("lee", roles.LIBRARY_EDITOR))
    response = client.get("/desk/inquiries/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert styled(response)
    assert heading in response.content.decode()


# No django_db mark: pytest-django refuses every database query, so these prove that the
# 500 page renders when the database cannot be reached.
@override_settings(ROOT_URLCONF="tests.foundation.urls_failing")
@pytest.mark.parametrize("language, heading", [("en", "Something went wrong"), ("es", "Algo salió mal")])
def test_it_shows_a_static_500_page_without_the_database(language, heading):
    client = Client(raise_request_exception=False)
    response = client.get("/fail/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    assert styled(response)
    assert heading in response.content.decode()
    assert "the view failed" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language, heading", [("en", "The form has expired"), ("es", "El formulario ha caducado")])
def test_it_explains_a_refused_form_in_the_visitors_language(language, heading):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert styled(response)
    assert heading in response.content.decode()
