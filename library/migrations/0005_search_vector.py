from django.db import migrations

from library import search_schema


def forwards(apps, schema_editor):
    # PostgreSQL: a trigger-kept tsvector column replaces the expression index of 0002.
    search_schema.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_topic_updated_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
