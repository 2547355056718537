"""Security headers, the login lockout (django-axes), sessions, passwords and production settings.

`manage.py check --deploy` under production variables is in tests/foundation; here we
check what it does not: the actual headers on responses, the CSP's content, the lockout
as a user sees it, and the values the production variables produce.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/ask/", "/accounts/login/"]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy header on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure_headers(response) -> None:
    directives = csp_directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, "the CSP must restrict scripts"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    styles = directives.get("style-src", directives.get("default-src"))
    assert "'unsafe-inline'" not in styles
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_sends_the_security_headers_on_public_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sends_the_security_headers_on_desk_pages(login, alice):
    response = login(alice).get("/desk/")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sends_the_security_headers_on_the_admin(login, root):
    response = login(root).get("/admin/")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sends_the_security_headers_on_errors(client):
    assert_secure_headers(client.get("/no-such-page/"))


# --- Login lockout -----------------------------------------------------------------------


def fail_login(client, username: str = "alice"):
    return client.post("/accounts/login/", {"username": username, "password": "wrong password"})


def test_it_locks_an_account_out_after_five_failures(client, alice):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = fail_login(client)
        assert response.status_code == 200  # the form again, with an error
        assert b"Please enter a correct username and password" in response.content
    response = fail_login(client)
    assert response.status_code == 429
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Account locked" in response.content
    assert b"too many login attempts" in response.content
    assert "_auth_user_id" not in client.session  # still anonymous


def test_it_lets_another_account_log_in_from_the_locked_address(client, alice, bob):
    for _ in range(5):
        fail_login(client, "alice")
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302  # the lock is alice-from-this-address, not the address


def test_it_forgets_earlier_failures_after_a_success(client, alice):
    for _ in range(4):
        fail_login(client)
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        assert fail_login(client).status_code == 200
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_it_locks_out_the_admin_login_too(client, root):
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong password"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Sessions and passwords ----------------------------------------------------------------


def test_it_ends_sessions_after_a_working_day_and_at_browser_close(client, alice):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_it_logs_out_only_on_post(login, alice):
    client = login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901234", "alice@desk.example.org"])
def test_it_refuses_weak_passwords(alice, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


def test_it_accepts_a_strong_password(alice):
    validate_password("tawny-otter-quietly-07", user=alice)


# --- Production settings ----------------------------------------------------------------------

PRODUCTION_PROBE = """
import json
from django.conf import settings
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY",
         "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "EMAIL_BACKEND"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def test_it_turns_on_secure_cookies_hsts_ssl_redirect_and_the_proxy_header_in_production():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE", "DEBUG", "EMAIL"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="p" * 50,
        ALLOWED_HOSTS="desk.example.org",
        REDIS_URL="redis://127.0.0.1:6379/1",
        USE_X_FORWARDED_PROTO="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRODUCTION_PROBE],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["EMAIL_BACKEND"] == "lib.smtp.EmailBackend"  # Django's SMTP backend, noting the hand-over


def test_it_redirects_to_https_and_sends_hsts_and_secure_cookies_with_production_values(client, alice, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/accounts/login/"
    behind_proxy = {"HTTP_X_FORWARDED_PROTO": "https"}
    response = client.get("/accounts/login/", **behind_proxy)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, **behind_proxy)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ask/", "/accounts/login/", "/accounts/logout/"])
def test_it_refuses_a_post_without_the_csrf_token(alice, path):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_it_refuses_a_desk_action_without_the_csrf_token(alice):
    from django.test import Client

    from tests.conftest import make_inquiry

    inquiry = make_inquiry()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/desk/inquiries/{inquiry.pk}/take/").status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.assignee is None
