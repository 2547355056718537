"""What import_gard and import_medquad share: files in, one transaction each, errors named."""

from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from library.gard_text import PageError
from library.importing import Counts


def run_import(command: BaseCommand, paths: Iterable[Path], load: Callable[[str], Counts]) -> Counts:
    """Import each file on its own; report failures by file and line; fail at the end if any did."""
    total, failures = Counts(), []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            if "\x00" in text:  # PostgreSQL refuses NUL in text; SQLite would store it
                raise PageError(text.count("\n", 0, text.index("\x00")) + 1, "text without NUL characters")
            total.add(load(text))
        except PageError as error:
            failures.append(f"{path}:{error.line}: expected {error.expected}")
        except ValidationError as error:  # a body over the Markdown length limit: the file is rolled back
            failures.append(f"{path}: {' '.join(error.messages)}")
        except (OSError, UnicodeDecodeError) as error:
            failures.append(f"{path}:1: expected a readable UTF-8 text file ({error})")
    for failure in failures:
        command.stderr.write(failure)
    command.stdout.write(f"imported {total.topics} topics, {total.sections} sections")
    if total.topics_unchanged or total.sections_unchanged:
        command.stdout.write(f"unchanged {total.topics_unchanged} topics, {total.sections_unchanged} sections")
    if failures:
        raise CommandError(f"{len(failures)} file(s) not imported; nothing was stored from them")
    return total
