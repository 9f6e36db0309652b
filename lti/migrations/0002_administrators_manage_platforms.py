"""CME administrators register LMS platforms, activate their deployments, and follow the
scores sent back to gradebooks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CME_ADMINISTRATORS = "CME administrators"
PERMISSIONS = {
    "lti_tool": ["view_ltiregistration", "add_ltiregistration", "change_ltiregistration",
                 "view_ltideployment", "add_ltideployment", "change_ltideployment"],
    "docere_lti": ["view_platformframing", "add_platformframing", "change_platformframing",
                   "view_gradelink", "view_platformaccount", "view_courselink"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in PERMISSIONS.items():
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def grant_administrators(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    for app_label in PERMISSIONS:
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    administrators, _ = Group.objects.get_or_create(name=CME_ADMINISTRATORS)
    administrators.permissions.add(*_permissions(apps))


def revoke_administrators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    administrators = Group.objects.filter(name=CME_ADMINISTRATORS).first()
    if administrators is not None:
        administrators.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("docere_lti", "0001_initial"),
        ("lti_tool", "0008_ltideployment_pns_url_and_more"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_administrators, revoke_administrators)]
