from pathlib import Path

from django.core.management.base import BaseCommand

from library.importing import import_document
from library.medquad import parse_document

from ._importer import run_import


def xml_files(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        found += sorted(path.glob("*.xml")) if path.is_dir() else [path]
    return found


class Command(BaseCommand):
    help = "Import MedQuAD XML documents (the GARD collection), files or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths, **options):
        run_import(self, xml_files(paths), lambda text: import_document(parse_document(text)))
