"""CME administrators may look through the export log and the PARS record in the admin;
rows there are written only by the reports' services (the group comes from courses' 0002)."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

CME_ADMINISTRATORS = "CME administrators"
ADMINISTRATOR_PERMISSIONS = ["view_exportlog", "view_parsexportedcompletion"]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_group_permissions(CME_ADMINISTRATORS, {"reports": ADMINISTRATOR_PERMISSIONS}),
    ]
