"""Fixtures for the whole-app quality checks: a superuser persona and an axes reset."""

import pytest
from django.contrib.auth.models import User

from tests.conftest import PASSWORD


@pytest.fixture
def root(db) -> User:
    """A superuser: configuration (the admin) and every role."""
    return User.objects.create_superuser("root", "root@desk.example.org", PASSWORD)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Logins are what these tests do most; the real hasher costs ~0.25 s per check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
