from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from library.gard_text import parse_page
from library.importing import import_page

from ._importer import run_import


class Command(BaseCommand):
    help = "Import GARD fact-sheet pages in the text format of examples/gard-scleromyxedema.txt."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--language", default="en", choices=[code for code, _ in settings.LANGUAGES],
                            help="The language the pages are written in (default: en).")

    def handle(self, *args, files, language, **options):
        run_import(self, files, lambda text: import_page(parse_page(text), language=language))
