import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from inquiries.services import purgeable_requesters, requesters_purge


class Command(BaseCommand):
    help = (
        "Anonymise the contact data of requesters whose inquiries are all closed before DATE. "
        "Questions, topics, dates and statistics stay; each inquiry's timeline records it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--closed-before", required=True, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="only count the requesters")

    def handle(self, *args, closed_before: str, dry_run: bool, **options):
        try:
            day = dt.date.fromisoformat(closed_before)
        except ValueError:
            raise CommandError(f"--closed-before: not a date (YYYY-MM-DD): {closed_before!r}") from None
        if dry_run:
            count = purgeable_requesters(closed_before=day).count()
            self.stdout.write(f"{count} requester(s) would be anonymised.")
            return
        count = requesters_purge(closed_before=day)
        self.stdout.write(f"{count} requester(s) anonymised.")
