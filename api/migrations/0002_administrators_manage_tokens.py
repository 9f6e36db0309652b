"""CME administrators create and revoke API access tokens and read the call log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CME_ADMINISTRATORS = "CME administrators"
ADMINISTRATOR_PERMISSIONS = ["view_accesstoken", "add_accesstoken", "change_accesstoken", "view_apicall"]


def grant_administrators(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    config = apps.get_app_config("api")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name=CME_ADMINISTRATORS)
    administrators.permissions.add(*Permission.objects.filter(content_type__app_label="api",
                                                              codename__in=ADMINISTRATOR_PERMISSIONS))


def revoke_administrators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators = Group.objects.filter(name=CME_ADMINISTRATORS).first()
    if administrators is not None:
        administrators.permissions.remove(*Permission.objects.filter(content_type__app_label="api",
                                                                     codename__in=ADMINISTRATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_administrators, revoke_administrators)]
