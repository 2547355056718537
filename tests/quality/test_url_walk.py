"""Walk every URL pattern of the project as every persona, and check who gets what.

PAGES below is the one table of who may GET (and POST to) each page. A URL pattern that
is not in it, and not covered by the admin rule, fails `test_it_classifies_every_url_pattern`:
whoever adds a page must say who may see it.

Personas (tests/conftest.py): anonymous; charlie (account, no role); alice (Specialist);
rita (Specialist + Reviewer); vera (Reviewer only); sam (Supervisor + Specialist); lee
(Library editor); root (superuser). A persona "may" see a page when it holds one of the page's roles (superusers
hold all). Refusals: anonymous → the login page (302), 403 or 404; logged in → 403 or 404
(the admin sends non-staff to its own login page).
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from lib import roles
from replies.models import BulkExport, Delivery
from tests.conftest import make_user
from tests.quality import factories
from tests.replies.factories import make_reply

PUBLIC = "public"
NOBODY: tuple = ()
SUPERUSER: tuple = ("superuser",)
# Inquiries, with the requesters' personal data, are for the people who answer them: a Library
# editor has no need of names, emails and questions (lib/roles.py CASE_READERS).
DESK = (roles.SPECIALIST, roles.REVIEWER, roles.SUPERVISOR)
LIBRARY = (roles.SPECIALIST, roles.REVIEWER, roles.SUPERVISOR, roles.LIBRARY_EDITOR)  # every staff role
ACT = (roles.SPECIALIST, roles.SUPERVISOR)  # work on inquiries
WRITE = (roles.SPECIALIST, roles.SUPERVISOR)  # compose replies
READ_REPLIES = (roles.SPECIALIST, roles.REVIEWER, roles.SUPERVISOR)
REVIEW = (roles.REVIEWER,)
SUPERVISE = (roles.SUPERVISOR,)
EDIT_LIBRARY = (roles.LIBRARY_EDITOR,)
MISSING = 999999


@dataclass(frozen=True)
class Page:
    """Who may GET and who may POST; `ok` is the status an allowed GET answers with."""

    get: Any = NOBODY  # PUBLIC, or a tuple of role names; NOBODY for POST-only URLs
    post: Any = NOBODY
    params: dict = field(default_factory=dict)  # URL kwarg → key of the objects fixture, or a literal
    ok: tuple = (200,)


# fmt: off
PAGES: dict[str, Page] = {
    # Public
    # (home and thanks answer any method and change nothing)
    "home": Page(get=PUBLIC, post=PUBLIC, ok=(302,)),
    "healthz": Page(get=PUBLIC),  # figures only (issue 17); GET only
    "ask:form": Page(get=PUBLIC, post=PUBLIC),
    "ask:thanks": Page(get=PUBLIC, post=PUBLIC, params={"token": "thanks_token"}),
    "ask:topics": Page(get=PUBLIC),  # topic names only, for the condition field's suggestions
    "login": Page(get=PUBLIC, post=PUBLIC),
    "logout": Page(post=PUBLIC),
    "set_language": Page(get=PUBLIC, post=PUBLIC, ok=(204, 302)),
    # Inquiries (issue 4)
    "admin:login": Page(get=PUBLIC, post=PUBLIC, ok=(200, 302)),
    "admin:logout": Page(get=PUBLIC, post=PUBLIC, ok=(302, 405)),  # POST only; no admin session → /admin/
    # Inquiries (issue 4)
    "inquiries:dashboard": Page(get=DESK),
    "inquiries:queue": Page(get=DESK),
    "inquiries:export": Page(get=DESK),
    "inquiries:new": Page(get=ACT, post=ACT),
    "inquiries:detail": Page(get=DESK, params={"pk": "inquiry"}),
    "inquiries:take": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:assign": Page(post=SUPERVISE, params={"pk": "inquiry"}),
    "inquiries:move": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:close": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:reopen": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:note": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:topics": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:notifications": Page(get=DESK),
    "inquiries:notifications_read": Page(post=DESK),
    "inquiries:notification_settings": Page(post=DESK),
    "inquiries:notification_open": Page(post=DESK, params={"pk": MISSING}),  # one's own only (404 else)
    "inquiries:report": Page(get=SUPERVISE),
    "inquiries:report_export": Page(get=SUPERVISE, params={"fmt": "csv"}),
    "inquiries:filter_save": Page(post=DESK),
    "inquiries:bulk": Page(post=ACT),
    "inquiries:filter_delete": Page(post=DESK, params={"pk": MISSING}),  # one's own filters only (404 else)
    "inquiries:research": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:requester_update": Page(post=ACT, params={"pk": "inquiry"}),
    "inquiries:attachment": Page(get=DESK, params={"pk": "inquiry", "attachment_pk": "attachment"}),
    # Replies (issue 5)
    "replies:start": Page(post=WRITE, params={"inquiry_pk": "inquiry"}),
    "replies:preview_markdown": Page(post=WRITE),
    "replies:compose": Page(get=READ_REPLIES, params={"pk": "reply"}),
    "replies:title": Page(post=WRITE, params={"pk": "reply"}),
    "replies:add_section": Page(post=WRITE, params={"pk": "reply"}),
    "replies:add_standard": Page(post=WRITE, params={"pk": "reply"}),
    "replies:add_custom": Page(post=WRITE, params={"pk": "reply"}),
    "replies:use_topic": Page(post=WRITE, params={"pk": "reply"}),
    "replies:start_from_letter": Page(post=WRITE, params={"pk": "reply"}),
    "replies:kind": Page(post=WRITE, params={"pk": "reply"}),
    "replies:move": Page(post=WRITE, params={"pk": "reply", "block_id": "block"}),
    "replies:remove": Page(post=WRITE, params={"pk": "reply", "block_id": "block"}),
    "replies:refresh": Page(post=WRITE, params={"pk": "reply", "block_id": "block"}),
    "replies:edit": Page(get=WRITE, post=WRITE, params={"pk": "reply", "block_id": "block"}),
    "replies:review": Page(post=WRITE, params={"pk": "reply", "action": "submit"}),
    # Library (issue 3)
    "library:search": Page(get=LIBRARY),
    "library:topic": Page(get=LIBRARY, params={"pk": "topic"}),
    "library:suggest": Page(get=LIBRARY),
    # Library review (issue 12)
    "library:review": Page(get=EDIT_LIBRARY),
    "library:mark_reviewed": Page(post=EDIT_LIBRARY, params={"pk": "section"}, ok=(302,)),
    # Delivery (issue 6)
    "deliveries:send": Page(get=WRITE, post=WRITE, params={"reply_pk": "reply"}),
    "deliveries:retry": Page(post=WRITE, params={"pk": "delivery"}),
    "deliveries:arrived": Page(post=WRITE, params={"pk": "delivery"}),
    "deliveries:send_again": Page(post=WRITE, params={"pk": "delivery"}),
    "deliveries:archive": Page(get=READ_REPLIES, params={"pk": "delivery", "kind": "eml"}),
    "deliveries:export": Page(get=READ_REPLIES, params={"reply_pk": "reply", "fmt": "txt"}),
    "deliveries:bulk": Page(get=WRITE, post=WRITE),
    "deliveries:bulk_detail": Page(get=WRITE, params={"pk": "bulk_export"}),
    "deliveries:bulk_download": Page(get=WRITE, params={"pk": "bulk_export"}),
}
# fmt: on

# The admin: every registered model's pages follow its app's rule.
ADMIN_APPS = {
    "auth": SUPERUSER,
    "axes": SUPERUSER,
    "django_tasks_database": SUPERUSER,
    "library": EDIT_LIBRARY,
    "inquiries": SUPERUSER,
    "replies": SUPERUSER,
}
ADMIN_USERS = SUPERUSER + EDIT_LIBRARY  # the accounts that reach the admin at all (staff accounts)
ADMIN_SITE_PAGES = {"index", "login", "logout", "password_change", "password_change_done", "autocomplete",
                    "jsi18n", "view_on_site", "app_list"}
PERSONAS = ["anonymous", "charlie", "alice", "rita", "vera", "sam", "lee", "root"]


# --- The patterns ------------------------------------------------------------------------------


@dataclass
class Route:
    route: str  # the full route, e.g. "desk/inquiries/<int:pk>/"
    name: str | None  # "namespace:name", None for unnamed patterns
    regex: bool

    @property
    def key(self) -> str:
        return self.name or self.route


def all_routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = "", regex: bool = False
) -> list[Route]:
    """Every URL pattern of the project, recursively through includes and namespaces."""
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        is_regex = regex or isinstance(pattern.pattern, RegexPattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += all_routes(pattern, route, inner, is_regex)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            routes.append(Route(route=route, name=name, regex=is_regex))
    return routes


def admin_model(route: Route):
    """The (app_label, model) an admin route belongs to, or None for the site's own pages."""
    match = re.match(r"admin/([a-z0-9_]+)/([a-z0-9_]+)/", route.route)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def admin_roles(route: Route) -> Any:
    """Who may use an admin route; None when it is not classified."""
    if route.name and route.name.removeprefix("admin:") in ADMIN_SITE_PAGES:
        return ADMIN_USERS
    if route.regex and route.route == "admin/(?P<url>.*)$":  # the catch-all: 404 or the login page
        return ADMIN_USERS
    model = admin_model(route)
    if model is None:
        return None
    if route.name is None:  # ".../<object_id>/": a redirect to the change page, which is checked itself
        return ADMIN_USERS if model._meta.app_label in ADMIN_APPS else None
    return ADMIN_APPS.get(model._meta.app_label)


def classify(route: Route) -> Page | None:
    if route.key in PAGES:
        return PAGES[route.key]
    if route.route.startswith("admin/"):
        allowed = admin_roles(route)
        if allowed is None:
            return None
        # Lists and the index must open; an object page may redirect (missing) or refuse (read-only models).
        strict = route.key == "admin:index" or route.key.endswith("_changelist")
        return Page(get=allowed, post=allowed, ok=(200,) if strict else (200, 302, 403, 404))
    return None


def test_it_classifies_every_url_pattern():
    unclassified = [r.key for r in all_routes() if classify(r) is None]
    assert not unclassified, f"add these URL patterns to PAGES in {__file__}: {unclassified}"


def test_it_has_no_stale_entries_in_the_table():
    names = {r.key for r in all_routes()}
    assert not set(PAGES) - names, f"remove from PAGES (no such URL pattern): {sorted(set(PAGES) - names)}"


# --- The objects the URLs point at ------------------------------------------------------------------


@pytest.fixture
def world(db, alice, bob, rita, sam, lee, charlie, settings, tmp_path):
    """One of everything; the personas; and the values to put in URLs."""
    settings.MEDIA_ROOT = tmp_path
    # A library editor's account is a staff account (the admin's own rule); the group gives the permissions.
    lee.is_staff = True
    lee.save(update_fields=["is_staff"])
    root = User.objects.create_superuser("root", "root@desk.example.org", "x")
    library = factories.make_library()
    inquiry = factories.receive_inquiry(assignee=alice, attach=True)
    reply = make_reply(alice, inquiry=inquiry)
    delivery = Delivery.objects.create(reply=reply, created_by=alice, recipient_email="pat@example.org",
                                       recipient_name="Pat Doe", status=Delivery.Status.SENT,
                                       eml=b"Subject: hi\n\nhello", pdf=b"%PDF-1.7", pdf_sha256="0" * 64)
    bulk_export = BulkExport.objects.create(created_by=alice, status=BulkExport.Status.DONE, reply_ids=[reply.pk],
                                            total=1, done=1, zip=b"PK\x05\x06" + b"\0" * 18)
    values = {
        "bulk_export": bulk_export.pk,
        "inquiry": inquiry.pk,
        "attachment": inquiry.attachments.get().pk,
        "thanks_token": factories.thanks_token(inquiry),
        "reply": reply.pk,
        "block": reply.blocks.first().pk,
        "delivery": delivery.pk,
        "topic": library.topic.pk,
        "section": library.sections[0].pk,
        "reference": library.reference.pk,
        "standard_text": library.standard_texts[0].pk,
        "user": alice.pk,
    }
    vera = make_user("vera", roles.REVIEWER)  # a reviewer who does not write replies herself
    users = {"anonymous": None, "charlie": charlie, "alice": alice, "rita": rita, "vera": vera, "sam": sam,
             "lee": lee, "root": root}
    return {"values": values, "users": users}


def may(user: User | None, allowed) -> bool:
    if allowed == PUBLIC:
        return True
    # has_role: superusers hold every role, and no group is called "superuser".
    return user is not None and roles.has_role(user, *allowed)


def fill(route: Route, page: Page, values: dict, missing: bool = False) -> str:
    """The route with its converters filled: real objects, or MISSING ones."""
    if route.regex:
        return {"admin/(?P<url>.*)$": "/admin/no-such-page/"}.get(route.route) or "/" + re.sub(
            r"\^|\$|\(\?P<app_label>([a-z_]+)\|.*?\)", lambda m: m.group(1) or "", route.route
        )

    def value(match: re.Match) -> str:
        name = match.group(2)
        if missing:
            return str(MISSING)
        if name in page.params:
            key = page.params[name]
            return str(values.get(key, key))
        if name in ("object_id", "id"):
            model = admin_model(route)
            obj = model.objects.order_by("pk").first() if model else None
            return str(obj.pk if obj else MISSING)
        if name == "content_type_id":
            return "1"
        raise AssertionError(f"{route.key}: no value for <{name}>; add it to params in PAGES")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route.route)


# --- The walk ---------------------------------------------------------------------------------------

LIVE_MARKUP = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I), "an inline <script> (the CSP blocks it)"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style= attribute (the CSP blocks it)"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an on...= handler (the CSP blocks it)"),
]


def check_html(url: str, response) -> list[str]:
    problems = []
    if "Content-Security-Policy" not in response.headers:
        problems.append(f"{url}: no Content-Security-Policy header")
    if url.startswith("/admin/") or "text/html" not in response.get("Content-Type", ""):
        return problems
    body = response.content.decode(errors="replace")
    for regex, what in LIVE_MARKUP:
        if match := regex.search(body):
            problems.append(f"{url}: {what}: {match.group(0)[:80]!r}")
    return problems


def refused(response, user: User | None) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        location = response["Location"]
        # The admin answers a staff user asking for a missing object with its index page.
        return location.startswith(("/accounts/login/", "/admin/login/")) or location == "/admin/"
    return False


def login_as(client, user: User | None):
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def walk_get(client, user, routes, values) -> list[str]:
    problems = []
    for route in routes:
        page = classify(route)
        url = fill(route, page, values)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: server error {response.status_code}")
        elif page.get != NOBODY and may(user, page.get):
            if response.status_code not in page.ok:
                problems.append(f"GET {url}: {response.status_code}, expected {page.ok}")
            elif response.status_code == 200:
                problems += check_html(url, response)
        elif page.get == NOBODY and response.status_code == 405:
            pass  # POST-only: refusing the method is fine, for anyone
        elif not refused(response, user):
            problems.append(f"GET {url}: {response.status_code}, should be refused")
    return problems


def walk_missing(client, user, routes, values) -> list[str]:
    """Allowed personas asking for objects that do not exist get 404, not an error."""
    problems = []
    for route in routes:
        page = classify(route)
        if route.regex or "<" not in route.route or route.route.startswith("admin/"):
            continue
        if page.get == NOBODY or not may(user, page.get):
            continue
        url = fill(route, page, values, missing=True)
        response = client.get(url)
        if response.status_code != 404:
            problems.append(f"GET {url}: {response.status_code}, expected 404")
    return problems


def walk_post(client, user, routes, values) -> list[str]:
    """Personas who may not POST are refused before anything happens."""
    problems = []
    for route in routes:
        page = classify(route)
        if page.post == PUBLIC or may(user, page.post):
            continue
        url = fill(route, page, values)
        response = client.post(url, {})
        if response.status_code >= 500:
            problems.append(f"POST {url}: server error {response.status_code}")
        elif response.status_code == 405 and page.post == NOBODY:
            continue
        elif not refused(response, user):
            problems.append(f"POST {url}: {response.status_code}, should be refused")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_each_persona_exactly_its_pages(client, world, persona):
    routes = [r for r in all_routes() if classify(r) is not None]
    user = world["users"][persona]
    login_as(client, user)
    problems = walk_get(client, user, routes, world["values"])
    problems += walk_missing(client, user, routes, world["values"])
    login_as(client, user)
    problems += walk_post(client, user, routes, world["values"])
    assert not problems, f"{persona}:\n" + "\n".join(problems)


def test_it_knows_the_roles_of_the_personas(world):
    users = world["users"]
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    assert not roles.is_staff_member(users["charlie"])
    assert roles.has_role(users["lee"], roles.LIBRARY_EDITOR) and not roles.has_role(users["lee"], roles.SPECIALIST)


def test_it_refuses_an_inactive_staff_member(client, db):
    former = make_user("former", roles.SPECIALIST, roles.SUPERVISOR)
    client.force_login(former, backend="django.contrib.auth.backends.ModelBackend")
    former.is_active = False
    former.save(update_fields=["is_active"])
    inquiry = factories.receive_inquiry()
    response = client.get(f"/desk/inquiries/{inquiry.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
