import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library.suggest import Suggestion, suggest_many


def as_text(suggestion: Suggestion) -> str:
    lines = [f"Question: {suggestion.question}", "Topics:"]
    lines += [f"  {score:.3f}  {topic.name} (#{topic.pk})" for topic, score in suggestion.topics] or ["  (none)"]
    lines.append("Kinds: " + (", ".join(suggestion.kinds) or "(none)"))
    lines.append("Sections:")
    lines += [
        f"  {score:.3f}  {section.topic.name}: {section.heading} [{section.kind}] (#{section.pk})"
        for section, score in suggestion.sections
    ] or ["  (none)"]
    return "\n".join(lines)


BATCH = 200  # questions read by the kind model at once


class Command(BaseCommand):
    help = "Suggest topics and sections for a question (or for each line of --file)."

    def add_arguments(self, parser):
        parser.add_argument("question", nargs="?")
        parser.add_argument("--file", type=Path, help="one question per line")
        parser.add_argument("--json", action="store_true", help="one JSON object per question")
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, question=None, file=None, json=False, limit=10, **options):
        if (question is None) == (file is None):
            raise CommandError('give either a QUESTION or --file FILE')
        if file is not None:
            try:
                questions = [line.strip() for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{file}: expected a readable UTF-8 text file ({error})") from None
        else:
            questions = [question]
        for start in range(0, len(questions), BATCH):
            for result in suggest_many(questions[start : start + BATCH], limit=limit):
                self.stdout.write(_dumps(result.as_json()) if json else as_text(result))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
