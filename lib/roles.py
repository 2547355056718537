"""The staff roles. Each is a Django group, created by inquiries' migration 0002."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SPECIALIST = "Specialist"
REVIEWER = "Reviewer"
LIBRARY_EDITOR = "Library editor"
SUPERVISOR = "Supervisor"
ALL_ROLES = (SPECIALIST, REVIEWER, LIBRARY_EDITOR, SUPERVISOR)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """True when the user is active staff in one of the roles (superusers hold all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return bool(names.intersection(roles))


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, *ALL_ROLES)


def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their desk; everyone else to the public question form."""
    if is_staff_member(request.user):
        return redirect("/desk/")
    return redirect("/ask/")
