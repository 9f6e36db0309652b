"""An activity's MOC registration, board by board: authored in the course admin, guarded by
the database (one registration per board, points above zero)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses.models import CourseMocRegistration, MocBoard, MocCreditType
from tests.courses.test_admin_authoring import (
    change_form_data,
    form_errors,
    publishable_course,
    signed_in,
    staff_member,
)

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
    data.update({
        "moc_registrations-TOTAL_FORMS": "2",
        "moc_registrations-0-board": "ABP", "moc_registrations-0-credit_type": "lifelong_learning_self_assessment",
        "moc_registrations-0-points": "1.50",
        "moc_registrations-1-board": "ABIM", "moc_registrations-1-credit_type": "patient_safety",
        "moc_registrations-1-points": "0.50",
    })

    saved = author_client.post(url, data)

    assert saved.status_code == 302, form_errors(saved)
    assert list(course.moc_registrations.values_list("board", "credit_type", "points")) == [
        ("ABIM", "patient_safety", Decimal("0.50")), ("ABP", "lifelong_learning_self_assessment", Decimal("1.50")),
    ]


def test_the_admin_refuses_the_same_board_twice_and_points_off_the_quarter_step(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    data.update({
        "moc_registrations-TOTAL_FORMS": "2",
        "moc_registrations-0-board": "ABP", "moc_registrations-0-credit_type": "self_assessment",
        "moc_registrations-0-points": "1.10",
        "moc_registrations-1-board": "ABP", "moc_registrations-1-credit_type": "self_assessment",
        "moc_registrations-1-points": "1.00",
    })

    refused = author_client.post(url, data)

    assert refused.status_code == 200
    assert "Credits are awarded in steps of 0.25" in refused.content.decode()
    assert not CourseMocRegistration.objects.exists()


def test_the_database_keeps_one_registration_per_board_and_points_above_zero():
    course = publishable_course()
    CourseMocRegistration.objects.create(course=course, board=MocBoard.ABP, points=Decimal("1"),
                                         credit_type=MocCreditType.LIFELONG_LEARNING_SELF_ASSESSMENT)

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(course=course, board=MocBoard.ABP, points=Decimal("2"),
                                             credit_type=MocCreditType.SELF_ASSESSMENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(course=course, board=MocBoard.ABIM, points=Decimal("0"),
                                             credit_type=MocCreditType.MEDICAL_KNOWLEDGE)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseMocRegistration.objects.create(course=course, board="ABFM", points=Decimal("1"),
                                             credit_type=MocCreditType.MEDICAL_KNOWLEDGE)
