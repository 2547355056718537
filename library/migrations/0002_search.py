from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from library import search_schema


def forwards(apps, schema_editor):
    search_schema.install(schema_editor.connection)


def backwards(apps, schema_editor):
    search_schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        # A no-op on SQLite (CreateExtension checks the vendor itself).
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
