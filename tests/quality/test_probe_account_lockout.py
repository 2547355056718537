"""Probe finding 5: anyone could lock any staff account, and colleagues behind one NAT each other.

Real django-axes, real login view: five wrong passwords for the supervisor from one address lock
that username from that address only.
"""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"


def login_from(client, address: str, username: str, password: str = PASSWORD, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address,
                       **headers)


def test_it_locks_only_the_username_from_that_address(client, sam, alice):
    for _ in range(5):
        login_from(client, ATTACKER, "sam", "guess")
    assert login_from(client, ATTACKER, "sam").status_code == 429  # the attacker's combination is locked
    client.logout()
    assert login_from(client, OFFICE, "sam").status_code == 302  # the real supervisor still gets in
    client.logout()
    assert login_from(client, ATTACKER, "alice").status_code == 302  # a colleague behind the same NAT too


def test_it_takes_the_address_our_proxy_added(client, settings, sam):
    settings.USE_X_FORWARDED_FOR = True
    proxy = "10.0.0.1"
    for _ in range(5):
        login_from(client, proxy, "sam", "guess", HTTP_X_FORWARDED_FOR=f"{OFFICE}, {ATTACKER}")
    # A forged first entry does not help: the lock is on the address the proxy appended.
    assert login_from(client, proxy, "sam", HTTP_X_FORWARDED_FOR=f"{OFFICE}, {ATTACKER}").status_code == 429
    assert login_from(client, proxy, "sam", HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302


def test_it_leaves_remote_addr_alone_without_the_proxy_setting(client, settings, sam):
    settings.USE_X_FORWARDED_FOR = False
    for _ in range(5):
        login_from(client, ATTACKER, "sam", "guess", HTTP_X_FORWARDED_FOR=OFFICE)
    assert login_from(client, ATTACKER, "sam", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
