import imaplib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inquiries.mail.sources import ImapMailbox, SourceError
from replies.inbox import mail_take


class Command(BaseCommand):
    help = (
        "Take in the emails of the IMAP folder MAIL_IMAP_FOLDER (settings from the environment). Each message "
        "is moved to MAIL_IMAP_DONE_FOLDER once taken, or to MAIL_IMAP_FAILED_FOLDER when it fails."
    )

    def handle(self, *args, **options):
        try:
            box = ImapMailbox()
        except (SourceError, OSError, imaplib.IMAP4.error) as error:
            raise CommandError(f"Cannot read the IMAP folder: {type(error).__name__}: {error}") from error
        failed = 0
        with box:
            for uid, raw in box.messages():
                try:
                    taken = mail_take(raw)
                except Exception as error:  # kept in the failed folder for a person; the rest go on
                    self.stderr.write(f"IMAP UID {uid}: failed: {type(error).__name__}: {error}")
                    box.move(uid, settings.MAIL_IMAP_FAILED_FOLDER)
                    failed += 1
                    continue
                # Moved only after the commit: stopped in between, the next run sees a duplicate and moves it.
                box.move(uid, settings.MAIL_IMAP_DONE_FOLDER)
                self.stdout.write(taken.line())
        if failed:
            folder = settings.MAIL_IMAP_FAILED_FOLDER
            raise CommandError(f"{failed} message(s) failed; they are in the folder {folder}.")
