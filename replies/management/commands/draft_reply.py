from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inquiries.models import Inquiry
from library.models import Section
from replies.composer.services import reply_start


def parse_sections(value: str) -> str | list[str]:
    if value in ("auto", "all", "none"):
        return value
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in Section.Kind.values]
    if unknown or not kinds:
        raise CommandError(
            f"--sections takes auto, all, none or kinds from: {', '.join(Section.Kind.values)} (got {value!r})"
        )
    return kinds


def author_for(inquiry: Inquiry, username: str | None = None):
    """The named user, else the inquiry's assignee, else the first superuser, else a system user."""
    users = get_user_model().objects
    if username:
        try:
            return users.get(username=username)
        except users.model.DoesNotExist as exc:
            raise CommandError(f"No user {username!r}") from exc
    author = inquiry.assignee or users.filter(is_superuser=True).order_by("pk").first()
    if author is None:
        author, _ = users.get_or_create(username="replydesk", defaults={"is_active": False})
    return author


class Command(BaseCommand):
    help = "Create a draft reply for an inquiry and print its id."

    def add_arguments(self, parser):
        parser.add_argument("inquiry_id", type=int)
        parser.add_argument("--sections", default="auto", help="auto | all | none | KIND,KIND,...")
        parser.add_argument("--by", help="username of the author (default: the inquiry's assignee or first superuser)")

    def handle(self, *args, inquiry_id, sections, by, **options):
        choice = parse_sections(sections)
        try:
            inquiry = Inquiry.objects.get(pk=inquiry_id)
        except Inquiry.DoesNotExist as exc:
            raise CommandError(f"No inquiry with id {inquiry_id}") from exc
        reply = reply_start(inquiry=inquiry, by=author_for(inquiry, by), sections=choice)
        self.stdout.write(str(reply.pk))
