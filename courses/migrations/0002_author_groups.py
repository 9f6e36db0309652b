"""The two staff roles of course authoring.

Course authors write and maintain courses in the admin; CME administrators may look at
everything in courses (later apps add their certificate and report permissions).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COURSE_AUTHORS = "Course authors"
CME_ADMINISTRATORS = "CME administrators"

AUTHORED_MODELS = [
    "course",
    "topic",
    "faculty",
    "disclosure",
    "module",
    "quiz",
    "question",
    "option",
    "evaluationitem",
]
AUTHOR_VIEW_ONLY_MODELS = ["enrollment", "attempt"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate);
    # create them now so that a fresh database gets complete groups in one migrate.
    courses_config = apps.get_app_config("courses")
    courses_config.models_module = True
    create_permissions(courses_config, apps=apps, verbosity=0)
    courses_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_courses = Permission.objects.filter(content_type__app_label="courses")

    authors, _ = Group.objects.get_or_create(name=COURSE_AUTHORS)
    authored = [f"{action}_{model}" for model in AUTHORED_MODELS for action in ("add", "change", "delete", "view")]
    viewed = [f"view_{model}" for model in AUTHOR_VIEW_ONLY_MODELS]
    authors.permissions.add(*in_courses.filter(codename__in=authored + viewed))

    administrators, _ = Group.objects.get_or_create(name=CME_ADMINISTRATORS)
    administrators.permissions.add(*in_courses.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[COURSE_AUTHORS, CME_ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
    ]
