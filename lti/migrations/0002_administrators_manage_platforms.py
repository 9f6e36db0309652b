"""CME administrators register LMS platforms, activate their deployments, and follow the
scores sent back to gradebooks."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

CME_ADMINISTRATORS = "CME administrators"
PERMISSIONS = {
    "lti_tool": [
        "view_ltiregistration",
        "add_ltiregistration",
        "change_ltiregistration",
        "view_ltideployment",
        "add_ltideployment",
        "change_ltideployment",
    ],
    "docere_lti": [
        "view_platformframing",
        "add_platformframing",
        "change_platformframing",
        "view_gradelink",
        "view_platformaccount",
        "view_courselink",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("docere_lti", "0001_initial"),
        ("lti_tool", "0008_ltideployment_pns_url_and_more"),
        ("courses", "0002_author_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_group_permissions(CME_ADMINISTRATORS, PERMISSIONS)]
