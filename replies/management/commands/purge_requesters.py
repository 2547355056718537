import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from inquiries.services import purgeable_requesters
from replies.privacy import people_purge


class Command(BaseCommand):
    help = (
        "Remove the personal data of requesters whose inquiries are all closed before DATE and who "
        "did not consent to our keeping it: contact data, names in questions and letters, timeline "
        "notes, attachments, archived PDFs, the recipient of archived emails, bulk-export ZIPs. "
        "Questions, letters' text, topics, dates and statistics stay (README.md, 'Personal data')."
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
        report = people_purge(closed_before=day)
        self.stdout.write(f"{report.changed['requesters anonymised']} requester(s) anonymised.")
        for what, count in report.changed.items():
            if what != "requesters anonymised":
                self.stdout.write(f"  {what}: {count}")
