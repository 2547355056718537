"""Shared personas. Alice and Bob are specialists, Rita reviews, Sam supervises,
Lee edits the library, Charlie has an account but no role."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from lib import roles

PASSWORD = "correct horse battery staple"

# The demo data ships in the repository (library/demo/README.md): the example letter, and a
# sample of MedQuAD's GARD documents.
EXAMPLE_LETTER = Path(settings.BASE_DIR) / "library" / "demo" / "gard-scleromyxedema.txt"
MEDQUAD_SAMPLE = Path(settings.BASE_DIR) / "library" / "demo" / "medquad"


def make_user(username: str, *role_names: str) -> User:
    user = User.objects.create_user(username, f"{username}@desk.example.org", PASSWORD)
    for name in role_names:
        # get_or_create: a transactional test (live_server, races) flushes the tables at its end,
        # the role groups of the data migration included, and the tests after it still need them.
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def alice(db) -> User:
    return make_user("alice", roles.SPECIALIST)


@pytest.fixture
def bob(db) -> User:
    return make_user("bob", roles.SPECIALIST)


@pytest.fixture
def rita(db) -> User:
    return make_user("rita", roles.SPECIALIST, roles.REVIEWER)


@pytest.fixture
def sam(db) -> User:
    return make_user("sam", roles.SUPERVISOR, roles.SPECIALIST)


@pytest.fixture
def lee(db) -> User:
    return make_user("lee", roles.LIBRARY_EDITOR)


@pytest.fixture
def charlie(db) -> User:
    return make_user("charlie")


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that persona and returns the client."""

    def _login(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
