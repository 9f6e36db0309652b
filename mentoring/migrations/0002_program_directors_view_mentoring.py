"""Program directors look up pairings and meetings in the admin; the mentoring pages write
them (pairing e-mails the mentor), so the group gets view permissions only."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

PROGRAM_DIRECTORS = "Program directors"
DIRECTOR_PERMISSIONS = ["view_mentorpairing", "view_mentoringmeeting"]


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_initial"),
        ("programs", "0002_program_directors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_group_permissions(PROGRAM_DIRECTORS, {"mentoring": DIRECTOR_PERMISSIONS})]
