"""Fixtures for the whole-app quality checks: a superuser persona."""

import pytest
from django.contrib.auth.models import User

from tests.conftest import PASSWORD


@pytest.fixture
def root(db) -> User:
    """A superuser: configuration (the admin) and every role."""
    return User.objects.create_superuser("root", "root@desk.example.org", PASSWORD)

