from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import backup_restore
from backups.databases import BackupError


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder, checking every hash."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="restore over a database or media folder in use")

    def handle(self, *args, archive: Path, force: bool, **options):
        try:
            counts = backup_restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for table, rows in counts.items():
            self.stdout.write(f"{rows:>10}  {table}")
        self.stdout.write(f"Restored {archive}: {len(counts)} tables, {sum(counts.values())} rows; every hash checked.")
