"""Program directors look projects up in the admin; the project pages write them."""

from django.db import migrations

from lms.group_permissions import grant_group_permissions

PROGRAM_DIRECTORS = "Program directors"
VIEWED_MODELS = ["project", "milestone", "projectfeedback"]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("programs", "0002_program_directors_group"),
    ]

    operations = [
        grant_group_permissions(PROGRAM_DIRECTORS, {"projects": [f"view_{model}" for model in VIEWED_MODELS]})
    ]
