"""CME administrators upload and edit library resources in the admin and look through the
download log, which only `library.services.resource_download_record` writes (the group
comes from courses' 0002). Deleting is left to superusers: a downloaded resource is kept."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

CME_ADMINISTRATORS = "CME administrators"
ADMINISTRATOR_PERMISSIONS = [
    "view_resource",
    "add_resource",
    "change_resource",
    "view_resourcedownload",
]


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_group_permissions(CME_ADMINISTRATORS, {"library": ADMINISTRATOR_PERMISSIONS}),
    ]
