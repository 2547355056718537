"""Shared personas and factories. Alice and Bob are specialists, Rita reviews, Sam supervises,
Lee edits the library, Charlie has an account but no role. The factories write rows straight
to the database; each app's tests/<app>/factories.py builds on them."""

import datetime as dt
import importlib
import itertools
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone

from inquiries.models import Inquiry, Requester
from inquiries.services import due_date_for
from lib import roles
from library import suggest as suggest_module
from library.models import Reference, Section, StandardText, Topic

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


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The personas get real passwords and the tests log in often; the real hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and dashboard statistics live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_kept_suggestions():
    """Each test starts as a new process would. On SQLite a rolled-back test's ids come back in the
    next test, so a kept suggestion could look current there (never in use: ids only grow)."""
    suggest_module._kept.clear()


# --- Factories ----------------------------------------------------------------------------------

QUESTION = "What causes scleromyxedema and how is it treated?"
_numbers = itertools.count(1)


def make_requester(name: str = "Jane Doe", email: str = "jane@example.org", **fields) -> Requester:
    return Requester.objects.create(name=name, email=email, **fields)


def make_inquiry(
    requester: Requester | None = None,
    *,
    name: str = "Jane Doe",
    question: str = QUESTION,
    topics=(),
    assignee: User | None = None,
    status: str | None = None,
    received_at: dt.datetime | None = None,
    **fields,
) -> Inquiry:
    """An inquiry from `requester` (else a new one called `name`): new, or assigned when it has
    an assignee, unless `status` says otherwise."""
    received_at = received_at or timezone.now()
    fields.setdefault("due_date", due_date_for(received_at))
    inquiry = Inquiry.objects.create(
        reference=f"T-{next(_numbers):06d}",
        requester=requester or make_requester(name),
        question=question,
        assignee=assignee,
        status=status or (Inquiry.Status.ASSIGNED if assignee else Inquiry.Status.NEW),
        received_at=received_at,
        **fields,
    )
    inquiry.topics.set(topics)
    return inquiry


def make_topic(name: str = "Scleromyxedema", **fields) -> Topic:
    return Topic.objects.create(name=name, **fields)


def make_reference(key: str = "koronowska2013", text: str = "", **fields) -> Reference:
    return Reference.objects.create(key=key, text=text or f"Author {key}. A paper. 2020.", **fields)


REVIEWED_TODAY = object()


def make_section(
    topic: Topic | None = None,
    kind: str = Section.Kind.OVERVIEW,
    heading: str = "",
    body: str = "Text.",
    *,
    status: str = Section.Status.PUBLISHED,
    last_updated: dt.date | None | object = REVIEWED_TODAY,
    language: str = "en",
) -> Section:
    """A section reviewed today unless last_updated says otherwise (None: the date is unknown)."""
    topic = topic or make_topic()
    return Section.objects.create(
        topic=topic,
        kind=kind,
        heading=heading or f"{Section.Kind(kind).label} of {topic.name}",
        body=body,
        status=status,
        last_updated=timezone.localdate() if last_updated is REVIEWED_TODAY else last_updated,
        language=language,
    )


def make_standard_text(kind: str = StandardText.Kind.CLOSING, body: str = "We hope this helps.", *,
                       language: str = "en", name: str = "Standard", is_default: bool = False) -> StandardText:
    return StandardText.objects.create(kind=kind, body=body, language=language, name=name, is_default=is_default)


STANDARD_BODIES = {
    StandardText.Kind.LETTERHEAD: "The Information Center",
    StandardText.Kind.GREETING: "Dear {requester_name},",
    StandardText.Kind.CLOSING: "We hope this information is helpful.",
    StandardText.Kind.SIGNATURE: "Warm regards,\nInformation Specialist",
    StandardText.Kind.DISCLAIMER: "Please see our Disclaimer.",
}


def make_standard_texts(language: str = "en") -> dict[str, StandardText]:
    """A default standard text of each kind in the language: a letter's frame."""
    return {
        kind: make_standard_text(kind, body, language=language, name=f"Default {kind}", is_default=True)
        for kind, body in STANDARD_BODIES.items()
    }


@pytest.fixture
def no_match_texts(db) -> list[StandardText]:
    """The no-match paragraphs library's migration 0009 brings, made again by the migration's own
    function: a transactional test's flush (browser tests) removes what migrations made."""
    migration = importlib.import_module("library.migrations.0009_unknown_medquad_dates_and_no_match_texts")
    migration.add_no_match_texts(django_apps, None)
    return list(StandardText.objects.filter(kind__in=StandardText.NO_MATCH_KINDS, is_default=True))
