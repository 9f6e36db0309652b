"""Adding a GIFT question file to a course's post-test bank."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.importers.gift import GiftError, GiftImportError
from courses.importers.gift_import import gift_import
from courses.models import Option, Question
from courses.selectors import post_test_for
from tests.courses.conftest import as_posted, build_course, complete_modules
from tests.courses.factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

GOOD_GIFT = """\
// Three questions written by a course author.
::Timing::When is feedback most useful? {
=Within minutes of the event#Yes: memory is still fresh.
~At the end of the rotation#Too late to act on.
####Feedback given soon can be acted on.
}

Which belong in feedback? {
~%50%The behavior#Yes.
~%50%Its effect#Yes.
~%-100%A judgment of character#Feedback is about behavior.
}

Feedback is best saved for the end of the rotation.{F#Timely feedback is better.#Right.}
"""

# Questions on lines 1 and 5 are wrong; the one on line 3 is fine.
BAD_GIFT = """\
Which is correct? {=This =That ~Neither}

A fine question {=Yes ~No}

How many minutes? {#10}
"""


def options_of(question: Question) -> list[tuple[str, Decimal, str]]:
    return [(o.text, o.weight_percent, o.feedback) for o in question.options.order_by("order")]


def test_a_gift_file_is_appended_after_the_existing_bank():
    course = CourseFactory(bank=3)

    created = gift_import(course=course, text=GOOD_GIFT).questions

    bank = list(post_test_for(course).questions.order_by("order"))
    assert len(bank) == 6
    assert bank[3:] == created
    assert [q.order for q in created] == [4, 5, 6]
    timing, weighted, true_false = created
    assert (timing.type, timing.stem, timing.explanation) == (
        "single",
        "When is feedback most useful?",
        "Feedback given soon can be acted on.",
    )
    assert [q.title for q in Question.objects.filter(pk__in=[q.pk for q in created]).order_by("order")] == [
        "Timing",
        "",
        "",
    ]
    assert options_of(timing) == [
        ("Within minutes of the event", 100, "Yes: memory is still fresh."),
        ("At the end of the rotation", 0, "Too late to act on."),
    ]
    assert weighted.type == "multiple"
    assert options_of(weighted) == [
        ("The behavior", 50, "Yes."),
        ("Its effect", 50, "Yes."),
        ("A judgment of character", -100, "Feedback is about behavior."),
    ]
    assert true_false.type == "true_false"
    assert options_of(true_false) == [("True", 0, "Timely feedback is better."), ("False", 100, "Right.")]


def test_a_course_without_a_post_test_gets_one_with_default_settings():
    course = CourseFactory(bank=0)

    gift_import(course=course, text=GOOD_GIFT)

    post_test = post_test_for(course)
    assert post_test.questions.count() == 3
    assert (post_test.draw_count, post_test.max_attempts, post_test.grading_method) == (None, 0, "highest")


def test_a_file_with_two_bad_questions_imports_nothing_and_names_both_lines():
    course = CourseFactory(bank=3)

    with pytest.raises(GiftImportError) as excinfo:
        gift_import(course=course, text=BAD_GIFT)

    assert [error.line for error in excinfo.value.errors] == [1, 5]
    assert isinstance(excinfo.value.errors[0], GiftError)
    assert post_test_for(course).questions.count() == 3
    assert Option.objects.filter(question__quiz__course=course).count() == 4 + 4 + 2  # single, multiple, true/false


def test_questions_can_be_added_after_learners_took_the_post_test():
    course = CourseFactory(modules=1, bank=3)
    enrollment = EnrollmentFactory(course=course, disclosures_acknowledged_at=timezone.now())
    services.module_complete(enrollment=enrollment, module=course.modules.get())
    attempt = services.attempt_start(enrollment=enrollment, quiz=post_test_for(course))
    services.attempt_submit(attempt=attempt, answers={})
    layout = list(attempt.layout)

    gift_import(course=course, text=GOOD_GIFT)

    attempt.refresh_from_db()
    assert attempt.layout == layout  # the attempt keeps the draw it was given
    assert post_test_for(course).questions.count() == 6


def test_gift_import_command_reports_how_many_questions_it_added(tmp_path):
    course = CourseFactory(bank=0, title="Feedback on the Fly")
    path = tmp_path / "bank.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")
    out = StringIO()

    call_command("gift_import", str(path), course=course.slug, stdout=out)

    assert out.getvalue() == "Imported 3 questions into Feedback on the Fly\n"


def test_gift_import_command_lists_every_error_on_stderr(tmp_path):
    course = CourseFactory(bank=3)
    path = tmp_path / "bank.gift"
    path.write_text(BAD_GIFT, encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("gift_import", str(path), "--course", course.slug, stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 1", "line 5"]
    assert "single-answer question has exactly one" in lines[0]
    assert "numerical questions are not supported" in lines[1]
    assert post_test_for(course).questions.count() == 3


def test_gift_import_command_imports_a_file_with_warnings_and_lists_them(tmp_path):
    course = CourseFactory(bank=0, title="Feedback on the Fly")
    path = tmp_path / "bank.gift"
    path.write_text("$CATEGORY: $course$/top/Feedback\n\n" + GOOD_GIFT, encoding="utf-8")
    out, err = StringIO(), StringIO()

    call_command("gift_import", str(path), course=course.slug, stdout=out, stderr=err)

    assert out.getvalue() == "Imported 3 questions into Feedback on the Fly\n"
    assert err.getvalue() == (
        "line 1: warning: $CATEGORY $course$/top/Feedback is ignored: Docere has no question "
        "categories, so every question goes into this course's post-test bank\n"
    )


def test_gift_import_command_refuses_an_unknown_course(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")

    with pytest.raises(CommandError, match="No course has the slug 'no-such-course'"):
        call_command("gift_import", str(path), course="no-such-course")


THIRDS = """\
Which are modifiable risk factors? {
~%33.33333%Smoking
~%33.33333%Raised LDL
~%33.33333%Hypertension
~%-100%Age
}
"""


def test_choosing_every_correct_option_of_a_gift_question_in_thirds_is_fully_correct(client, learner):
    course = build_course(bank=0, modules=1, knowledge_checks=False, review_policy="always", passing_score_percent=100)
    [question] = gift_import(course=course, text=THIRDS).questions
    smoking, ldl, hypertension, age = question.options.order_by("order")
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)

    attempt = services.attempt_start(enrollment=enrollment, quiz=post_test_for(course))
    client.post(
        reverse("courses:attempt_submit", args=[attempt.pk]),
        as_posted(client, attempt, {question.id: [smoking.id, ldl.id, hypertension.id]}),
    )

    attempt.refresh_from_db()
    assert attempt.score_percent == 100 and attempt.passed
    page = client.get(reverse("courses:attempt_result", args=[attempt.pk])).content.decode()
    assert "Question 1 — correct" in page
    assert "partly correct" not in page


def test_one_of_three_correct_options_earns_exactly_a_third(learner):
    course = build_course(bank=0, modules=1, knowledge_checks=False)
    [question] = gift_import(course=course, text=THIRDS).questions
    smoking = question.options.get(order=1)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)

    attempt = services.attempt_start(enrollment=enrollment, quiz=post_test_for(course))
    attempt = services.attempt_submit(attempt=attempt, answers={question.id: [smoking.id]})

    assert attempt.score_percent == Decimal("33.33")
