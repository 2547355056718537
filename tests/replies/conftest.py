import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The personas are created with a password; the default hasher costs ~0.4 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
