from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inquiries.mail.sources import SourceError, read_path
from replies.inbox import mail_take


class Command(BaseCommand):
    help = (
        "Take in emails from .eml files, mbox files and Maildir folders: each opens an inquiry, joins one, "
        "reports a bounce, or is ignored with a reason. Prints one line per message."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help=".eml file, mbox file or Maildir folder")

    def handle(self, *args, paths: list[str], **options):
        failed = 0
        for name in paths:
            try:
                for label, raw in read_path(Path(name)):
                    failed += not self._take(label, raw)
            except (SourceError, OSError) as error:
                self.stderr.write(f"{name}: cannot be read: {error}")
                failed += 1
        if failed:
            raise CommandError(f"{failed} message(s) or file(s) not taken; the files are unchanged.")

    def _take(self, label: str, raw: bytes) -> bool:
        try:
            taken = mail_take(raw)
        except Exception as error:  # one message must not stop the rest; it stays in its file, named here
            self.stderr.write(f"{label}: failed: {type(error).__name__}: {error}")
            return False
        self.stdout.write(taken.line())
        return True
