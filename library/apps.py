from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_schema(sender, using, **kwargs) -> None:
    from django.db import connections

    from library import search_schema

    connection = connections[using]
    if "library_section" in connection.introspection.table_names():
        search_schema.install(connection)


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Knowledge library"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_schema, sender=self)
