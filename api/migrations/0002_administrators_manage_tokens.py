"""CME administrators create and revoke API access tokens and read the call log."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

CME_ADMINISTRATORS = "CME administrators"
ADMINISTRATOR_PERMISSIONS = ["view_accesstoken", "add_accesstoken", "change_accesstoken", "view_apicall"]


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_group_permissions(CME_ADMINISTRATORS, {"api": ADMINISTRATOR_PERMISSIONS})]
