"""An activity's MOC registration, board by board: authored in the course admin or the course
file, guarded by the database (one registration per board, points above zero)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses.importers.course_yaml import CourseImportError, course_export_yaml, course_import_yaml
from courses.models import CourseMocRegistration, MocBoard, MocCreditType
from tests.courses.test_admin_authoring import (
    change_form_data,
    form_errors,
    publishable_course,
    signed_in,
    staff_member,
)
from tests.courses.test_course_yaml import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client():
    # A course author, not a superuser: the migration must have granted the group the new model.
    author, _ = staff_member("moc-author@example.org", "Course authors")
    return signed_in(author)


def test_a_course_author_registers_the_activity_for_moc_with_each_board_in_the_course_admin(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    page = author_client.get(url)
    assert "MOC registrations" in page.content.decode()
    data = change_form_data(page)
    data.update(
        {
            "moc_registrations-TOTAL_FORMS": "2",
            "moc_registrations-0-board": "ABP",
            "moc_registrations-0-credit_type": "lifelong_learning_self_assessment",
            "moc_registrations-0-points": "1.50",
            "moc_registrations-1-board": "ABIM",
            "moc_registrations-1-credit_type": "patient_safety",
            "moc_registrations-1-points": "0.50",
        }
    )

    saved = author_client.post(url, data)

    assert saved.status_code == 302, form_errors(saved)
    assert list(course.moc_registrations.values_list("board", "credit_type", "points")) == [
        ("ABIM", "patient_safety", Decimal("0.50")),
        ("ABP", "lifelong_learning_self_assessment", Decimal("1.50")),
    ]


def test_the_admin_refuses_the_same_board_twice_and_points_off_the_quarter_step(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    data.update(
        {
            "moc_registrations-TOTAL_FORMS": "2",
            "moc_registrations-0-board": "ABP",
            "moc_registrations-0-credit_type": "self_assessment",
            "moc_registrations-0-points": "1.10",
            "moc_registrations-1-board": "ABP",
            "moc_registrations-1-credit_type": "self_assessment",
            "moc_registrations-1-points": "1.00",
        }
    )

    refused = author_client.post(url, data)

    assert refused.status_code == 200
    assert "Credits are counted in steps of 0.25" in refused.content.decode()
    assert not CourseMocRegistration.objects.exists()


def test_the_database_keeps_one_registration_per_board_and_points_above_zero():
    course = publishable_course()
    CourseMocRegistration.objects.create(
        course=course,
        board=MocBoard.ABP,
        points=Decimal("1"),
        credit_type=MocCreditType.LIFELONG_LEARNING_SELF_ASSESSMENT,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(
            course=course, board=MocBoard.ABP, points=Decimal("2"), credit_type=MocCreditType.SELF_ASSESSMENT
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(
            course=course, board=MocBoard.ABIM, points=Decimal("0"), credit_type=MocCreditType.MEDICAL_KNOWLEDGE
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(
            course=course, board="ABFM", points=Decimal("1"), credit_type=MocCreditType.MEDICAL_KNOWLEDGE
        )


# --- The course file ----------------------------------------------------------------------

MOC_LINES = """\
  moc_registrations:
    - board: ABP
      credit_type: lifelong_learning_self_assessment
      points: "0.50"
    - board: ABIM
      credit_type: medical_knowledge
      points: "0.25"
"""


def _with_moc(text: str, lines: str = MOC_LINES) -> str:
    return text.replace("format: docere-course/1", "format: docere-course/3").replace(
        "  reported_to_pars: false\n", '  accme_activity_id: "004512345"\n' + lines
    )


def test_a_course_file_carries_its_moc_registrations_and_round_trips_byte_for_byte():
    course = course_import_yaml(text=_with_moc(GOOD))

    exported = course_export_yaml(course=course)
    course = course_import_yaml(text=exported, replace=True)

    assert list(course.moc_registrations.values_list("board", "credit_type", "points")) == [
        ("ABIM", "medical_knowledge", Decimal("0.25")),
        ("ABP", "lifelong_learning_self_assessment", Decimal("0.50")),
    ]
    assert exported.startswith("format: docere-course/3\n")
    assert (
        '\n  moc_registrations:\n    - board: ABIM\n      credit_type: medical_knowledge\n      points: "0.25"\n'
    ) in exported
    assert course_export_yaml(course=course) == exported


def test_an_older_course_file_still_imports_as_cme_only():
    course = course_import_yaml(text=GOOD)

    assert not course.moc_registrations.exists()
    assert "moc_registrations" not in course_export_yaml(course=course)


def test_a_course_file_cannot_register_a_board_twice_or_name_another_board():
    twice = MOC_LINES.replace("board: ABIM", "board: ABP")
    with pytest.raises(CourseImportError) as twice_error:
        course_import_yaml(text=_with_moc(GOOD, twice))
    with pytest.raises(CourseImportError) as other_error:
        course_import_yaml(text=_with_moc(GOOD, MOC_LINES.replace("board: ABIM", "board: ABFM")))

    assert [p.message for p in twice_error.value.problems] == [
        "course.moc_registrations[2]: the activity is registered with ABP twice"
    ]
    assert "course.moc_registrations[2].board: 'ABFM' is not one of:" in other_error.value.problems[0].message
    assert not CourseMocRegistration.objects.exists()
