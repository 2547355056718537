"""Load the demo: staff accounts, the example library and a few inquiries. Idempotent."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from lib import roles

DEMO_PASSWORD = "replydesk-demo"  # noqa: S105 (demo accounts for a local trial only)
DEMO_USERS = [
    ("specialist", "Dana Specialist", [roles.SPECIALIST]),
    ("reviewer", "Rita Reviewer", [roles.SPECIALIST, roles.REVIEWER]),
    ("supervisor", "Sam Supervisor", [roles.SPECIALIST, roles.SUPERVISOR]),
    ("editor", "Lee Editor", [roles.LIBRARY_EDITOR]),
]


class Command(BaseCommand):
    help = "Load the demo library, inquiries and staff accounts (safe to run again)."

    def handle(self, *args, **options):
        for username, full_name, role_names in DEMO_USERS:
            self.ensure_user(username, full_name, role_names)
        self.stdout.write(f"Demo login: specialist / {DEMO_PASSWORD}  (also reviewer, supervisor, editor)")

    def ensure_user(self, username: str, full_name: str, role_names: list[str]) -> User:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=role_names))
        return user
