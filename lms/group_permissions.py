"""Granting a staff group model permissions from a data migration, the same way in every app."""

from functools import partial

from django.contrib.auth.management import create_permissions
from django.db import migrations


def _permissions(apps, grants: dict[str, list[str]]):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in grants.items():
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def _grant(apps, schema_editor, *, group_name: str, grants: dict[str, list[str]]) -> None:
    # Permissions are normally created after all migrations have run (post_migrate);
    # create them now so that a fresh database gets a complete group in one migrate.
    for app_label in grants:
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    # get_or_create: the group may have been removed by hand since courses created it.
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*_permissions(apps, grants))


def _revoke(apps, schema_editor, *, group_name: str, grants: dict[str, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, grants))


def grant_group_permissions(group_name: str, grants: dict[str, list[str]]) -> migrations.RunPython:
    """A reversible migration operation: `grants` maps app labels to permission codenames."""
    return migrations.RunPython(
        partial(_grant, group_name=group_name, grants=grants), partial(_revoke, group_name=group_name, grants=grants)
    )
