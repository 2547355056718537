import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library.corrections import correction_rows


class Command(BaseCommand):
    help = ("The specialists' corrections of suggested kinds, as JSON Lines (question, kind, asked, created_at), "
            "for library/training/train_kinds.py --corrections.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default="-", help="a file, or - for standard output (the default)")

    def handle(self, *args, output="-", **options):
        rows = correction_rows()
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{output}: cannot write ({error})") from None
        self.stderr.write(f"exported {len(rows)} corrections")
