from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from library.gard_list import gard_diseases
from library.importing import Counts, assign_changed, merge_unique
from library.models import Topic


def topic_merge(disease: dict, topic: Topic | None) -> tuple[Topic, list[str] | None]:
    """The topic with the disease merged in, and the changed fields (None when new)."""
    synonyms = [s for s in disease.get("synonyms", []) if s != disease["name"]]
    names = [disease["name"], *synonyms]
    categories = disease.get("diseaseCategories", [])
    if topic is None:
        return Topic(name=disease["name"], gard_id=disease["id"], synonyms=synonyms, categories=categories), None
    wanted = {"gard_id": disease["id"], "synonyms": merge_unique(topic.synonyms, [s for s in names if s != topic.name]),
              "categories": merge_unique(topic.categories, categories)}
    return topic, assign_changed(topic, wanted)


class Command(BaseCommand):
    help = "Load the GARD disease list (the `gard` package) into topics, merged by GARD id."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="a JSON file in the format of gard/diseases.trimmed.json")

    @transaction.atomic
    def handle(self, *args, file=None, **options):
        try:
            diseases = gard_diseases(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"{file}: expected a JSON list of diseases ({error})") from None
        existing = {topic.gard_id: topic for topic in Topic.objects.filter(gard_id__isnull=False)}
        # Topics made by import_gard have no GARD id yet: the disease of the same name is theirs.
        unnumbered = {topic.name.lower(): topic for topic in Topic.objects.filter(gard_id__isnull=True)}
        counts = Counts()
        for disease in diseases:
            match = existing.get(disease["id"]) or unnumbered.pop(disease["name"].lower(), None)
            topic, changed = topic_merge(disease, match)
            if changed is None:
                topic.save()
                existing[topic.gard_id] = topic
            elif changed:
                topic.save(update_fields=[*changed, "updated_at"])
            counts.topics += changed is None or bool(changed)
            counts.topics_unchanged += changed == []
        self.stdout.write(f"imported {counts.topics} topics")
        self.stdout.write(f"unchanged {counts.topics_unchanged} topics")
