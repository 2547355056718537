from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inquiries.importing import check_file, import_rows


class Command(BaseCommand):
    help = (
        "Import inquiries from a CSV or JSON Lines file (fields: name, email, question, received_at, channel; "
        "optional topic, status, sent_at, waiting_since, ...; a waiting inquiry without waiting_since waits from "
        "the import). Every row is checked first; nothing is imported when any row is bad. "
        "Prints the id of each new inquiry on its own line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            rows, errors = check_file(file)
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: expected a UTF-8 text file ({error.reason} at byte {error.start})") from None
        if errors:
            for line, reason in errors:
                self.stderr.write(f"{file}:{line}: {reason}")
            raise CommandError(f"{len(errors)} bad row(s); nothing was imported.")
        ids = import_rows(rows)
        self.stdout.write("\n".join(map(str, ids)))
