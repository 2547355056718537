from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import backup_create
from backups.databases import BackupError


class Command(BaseCommand):
    help = "Write one archive: database snapshot, uploaded files, letter archive, manifest with SHA-256 hashes."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        letters = sum(len(kinds) for kinds in manifest["letters"].values())
        self.stdout.write(
            f"Wrote {output}: {len(manifest['counts'])} tables, {rows} rows, {letters} archived letter files, "
            f"{len(manifest['files'])} files in all."
        )
