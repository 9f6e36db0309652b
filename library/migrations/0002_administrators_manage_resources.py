"""CME administrators upload and edit library resources in the admin and look through the
download log, which only `library.services.resource_download_record` writes (the group
comes from courses' 0002). Deleting is left to superusers: a downloaded resource is kept."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CME_ADMINISTRATORS = "CME administrators"
ADMINISTRATOR_PERMISSIONS = [
    "view_resource", "add_resource", "change_resource",
    "view_resourcedownload",
]


def grant_administrators(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate);
    # create them now so that a fresh database gets a complete group in one migrate.
    config = apps.get_app_config("library")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name=CME_ADMINISTRATORS)
    administrators.permissions.add(*Permission.objects.filter(
        content_type__app_label="library", codename__in=ADMINISTRATOR_PERMISSIONS,
    ))


def revoke_administrators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators = Group.objects.filter(name=CME_ADMINISTRATORS).first()
    if administrators is not None:
        administrators.permissions.remove(*Permission.objects.filter(
            content_type__app_label="library", codename__in=ADMINISTRATOR_PERMISSIONS,
        ))


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0001_initial"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_administrators, revoke_administrators),
    ]
