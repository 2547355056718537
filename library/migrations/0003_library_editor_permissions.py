from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Library editor"
MODELS = ("topic", "section", "reference", "standardtext")


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so they can be granted.
    app_config = apps.get_app_config("library")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="library", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="library"))


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
