"""Program directors: staff who run programs and cohorts in the admin and on the program
pages. Applications, rosters and attendance are written by the program services, so the
admin only shows them."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

PROGRAM_DIRECTORS = "Program directors"
AUTHORED_MODELS = ["institution", "program", "cohort", "livesession", "curriculumitem"]
VIEWED_MODELS = ["application", "participant", "attendance"]
DIRECTOR_PERMISSIONS = [
    f"{action}_{model}" for model in AUTHORED_MODELS for action in ("add", "change", "delete", "view")
] + [f"view_{model}" for model in VIEWED_MODELS]


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_group_permissions(PROGRAM_DIRECTORS, {"programs": DIRECTOR_PERMISSIONS})]
