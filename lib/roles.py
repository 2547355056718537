"""The staff roles. Each is a Django group, created by inquiries' migration 0002."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lib.statements import replayed_rows

SPECIALIST = "Specialist"
REVIEWER = "Reviewer"
LIBRARY_EDITOR = "Library editor"
SUPERVISOR = "Supervisor"
ALL_ROLES = (SPECIALIST, REVIEWER, LIBRARY_EDITOR, SUPERVISOR)
# Who sees inquiries and replies, with the requesters' personal data: the people who answer
# them. A library editor edits the library and has no need of that data.
CASE_READERS = (SPECIALIST, REVIEWER, SUPERVISOR)
# Who takes, drafts and sends. Approving or returning a reply takes the REVIEWER role.
CASE_WRITERS = (SPECIALIST, SUPERVISOR)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """True when the user is active staff in one of the roles (superusers hold all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = {name for (name,) in replayed_rows(("role_names", user.pk), lambda: user.groups.values_list("name"))}
        user._role_names = names
    return bool(names.intersection(roles))


def require_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> None:
    """PermissionDenied (403) unless the user holds one of the roles."""
    if not has_role(user, *roles):
        raise PermissionDenied


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, *ALL_ROLES)


def role_required(*allowed: str):
    """A view decorator: logged in (else the login page) and holding one of `allowed` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            require_role(request.user, *allowed)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their desk (library editors to the library); everyone else to the public form."""
    if has_role(request.user, *CASE_READERS):
        return redirect("/desk/")
    if has_role(request.user, LIBRARY_EDITOR):
        return redirect("/desk/library/")
    return redirect("/ask/")


def nav_roles(request: HttpRequest) -> dict:
    """Template context: which parts of the desk the navigation offers this user."""
    return {"can_read_cases": has_role(request.user, *CASE_READERS), "can_report": has_role(request.user, SUPERVISOR)}
