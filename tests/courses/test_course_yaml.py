"""Importing and exporting whole courses as YAML files (docs/course-format.md)."""

import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from courses.authoring_services import STANDARD_EVALUATION
from courses.importers.course_yaml import CourseImportError, ImportProblem, course_export_yaml, course_import_yaml
from courses.models import (
    Course,
    Disclosure,
    Enrollment,
    EvaluationItem,
    Faculty,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    Topic,
)
from courses.selectors import course_publication_problems, post_test_for
from tests.courses.factories import CourseFactory, EnrollmentFactory, KnowledgeCheckFactory, QuestionFactory

pytestmark = pytest.mark.django_db

DEMO_FILES = sorted((Path(django_settings.BASE_DIR) / "courses" / "demo").glob("*.yaml"))

GOOD = """\
format: docere-course/1
course:
  slug: feedback-on-the-fly
  title: Feedback on the Fly
  summary: Short, specific feedback during a busy clinic.
  topics: [Feedback]
  learning_objectives:
    - Give one piece of specific feedback per clinic session.
  credits_max: "0.50"
  reported_to_pars: false
  release_date: 2026-01-01
  expiry_date: 2028-12-31
  status: published
faculty:
  - name: Ada Mensah
    degrees: MD
    role: author
    disclosures:
      - no_relevant_relationships: true
modules:
  - title: Why timing matters
    body: |
      Feedback given within minutes is remembered.
    knowledge_check:
      questions:
        - type: true_false
          stem: Feedback is best saved for the end of the rotation.
          options:
            - text: "True"
            - text: "False"
              correct: true
post_test:
  draw_count: null
  questions:
    - type: single
      stem: What makes feedback useful?
      explanation: Useful feedback names a behavior.
      options:
        - text: It names a specific behavior.
          correct: true
          feedback: Yes.
        - text: It is generous with praise.
    - type: multiple
      stem: Which belong in feedback?
      options:
        - text: The behavior
          weight: 50
        - text: Its effect on the patient
          weight: 50
        - text: A judgment of character
          weight: -50
evaluation: null
"""


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing fragment, so tests need not count lines."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Course, Module, Quiz, Question, Option, Faculty, Disclosure, EvaluationItem)
    }


def problems_of(text: str, **options) -> list[ImportProblem]:
    before = row_counts()
    with pytest.raises(CourseImportError) as excinfo:
        course_import_yaml(text=text, **options)
    assert row_counts() == before, "a refused file must leave the database unchanged"
    return excinfo.value.problems


# --- Files that import ----------------------------------------------------------------------


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.stem)
def test_each_demo_course_imports_publishable_and_exports_identically_after_reimport(path):
    course = course_import_yaml(text=path.read_text(encoding="utf-8"))

    assert course.slug == path.stem
    assert course.is_published and course.published_at is not None
    assert course_publication_problems(course) == []
    exported = course_export_yaml(course=course)
    course_import_yaml(text=exported, replace=True)
    assert course_export_yaml(course=Course.objects.get(slug=path.stem)) == exported


def test_demo_course_rows_say_what_the_file_says():
    course = course_import_yaml(text=(DEMO_FILES[0].parent / "inclusive-clinical-teaching.yaml").read_text())

    assert course.credits_max == Decimal("1.50")
    assert sorted(course.topics.values_list("name", flat=True)) == [
        "Belonging",
        "Clinical teaching",
        "Microaggressions",
        "Psychological safety",
    ]
    assert [m.order for m in course.modules.all()] == [1, 2, 3, 4]
    assert course.modules.get(order=4).title == "Microaggressions on the team: noticing and responding"
    assert list(course.faculty.values_list("order", "role")) == [(1, "author"), (2, "planner"), (3, "reviewer")]
    assert all(d.has_no_relevant_relationships for d in Disclosure.objects.filter(faculty__course=course))
    post_test = post_test_for(course)
    assert post_test.draw_count == 10 and post_test.time_limit_minutes is None
    orientation = Question.objects.get(quiz__module__order=2, type=QuestionType.MULTIPLE)
    assert [o.weight_percent for o in orientation.options.all()] == [34, 33, 33, -50, -50]
    true_false = Question.objects.filter(quiz__module__order=1, type=QuestionType.TRUE_FALSE).get()
    assert [(o.text, o.weight_percent) for o in true_false.options.all()] == [("True", 0), ("False", 100)]
    assert [(i.kind, i.prompt, i.code) for i in course.evaluation_items.all()] == STANDARD_EVALUATION


def test_a_disclosed_relationship_with_an_ineligible_company_is_kept():
    course = course_import_yaml(text=(DEMO_FILES[0].parent / "bias-in-assessment-and-feedback.yaml").read_text())

    disclosure = Disclosure.objects.get(faculty__course=course, has_no_relevant_relationships=False)
    assert (disclosure.ineligible_company, disclosure.relationship, disclosure.is_mitigated) == (
        "Northwind Biologics",
        "Advisory board honoraria",
        True,
    )


def test_a_large_course_with_awkward_text_round_trips_byte_for_byte():
    course = CourseFactory(
        modules=12,
        bank=15,
        faculty=2,
        accme_activity_id="012345678",
        description="Line with trailing spaces   \n  indented start\r\nWindows line ending\n\n\n",
        accreditation_statement="Accredited: by the “council” — 100% #1",
        designation_statement="",
        learning_objectives=["Yes", "1.5", "- not a list", "null", "emoji 🩺 and ünïcode"],
    )
    Disclosure.objects.create(
        faculty=course.faculty.first(), ineligible_company="Acme: Pharma", relationship="", is_mitigated=True
    )
    for module in course.modules.filter(order__lte=10):
        KnowledgeCheckFactory(module=module)
        QuestionFactory(quiz=module.knowledge_check, order=1, type=QuestionType.TRUE_FALSE, explanation="")
    QuestionFactory(quiz=post_test_for(course), stem="True", explanation=" leading space\nsecond line")
    Quiz.objects.filter(pk=post_test_for(course).pk).update(draw_count=12, time_limit_minutes=30, max_attempts=3)
    EvaluationItem.objects.filter(course=course, code="intent_to_change").update(code="", is_required=False)

    exported = course_export_yaml(course=course)
    course_import_yaml(text=exported, replace=True)

    again = Course.objects.get(slug=course.slug)
    assert course_export_yaml(course=again) == exported
    assert again.modules.count() == 12
    assert Question.objects.filter(quiz__course=again).count() == 16 + 10
    assert post_test_for(again).draw_count == 12


def test_export_writes_the_documented_shape():
    course = course_import_yaml(text=GOOD)

    exported = course_export_yaml(course=course)

    # Not reported to PARS, which only version 2 can say.
    assert exported.startswith("format: docere-course/2\ncourse:\n  slug: feedback-on-the-fly\n")
    for line in [
        '  credits_max: "0.50"',
        "  accme_activity_id: null",
        "  reported_to_pars: false",
        "  accreditation_statement: null",
        "  release_date: 2026-01-01",
        "  topics: [Feedback]",
        "    body: |",
        "  draw_count: null",
        "  time_limit_minutes: null",
        '            - text: "True"',
        "    code: objectives_met",
    ]:
        assert f"\n{line}\n" in exported
    keys = ["\ncourse:", "\nfaculty:", "\nmodules:", "\npost_test:", "\nevaluation:"]
    assert [exported.index(key) for key in keys] == sorted(exported.index(key) for key in keys)


def test_question_titles_are_exported_as_version_2_and_round_trip_byte_for_byte():
    course = course_import_yaml(text=GOOD)
    Question.objects.filter(quiz__course=course, type=QuestionType.MULTIPLE).update(title="Parts of feedback: “what”")

    exported = course_export_yaml(course=course)
    course_import_yaml(text=exported, replace=True)

    assert exported.startswith("format: docere-course/2\n")
    assert '\n    - title: "Parts of feedback: “what”"\n      type: multiple\n' in exported
    assert course_export_yaml(course=Course.objects.get(slug=course.slug)) == exported
    assert list(
        Question.objects.filter(quiz__course__slug=course.slug).exclude(title="").values_list("title", flat=True)
    ) == ["Parts of feedback: “what”"]


def test_a_version_2_file_with_titles_imports_them():
    text = GOOD.replace("format: docere-course/1", "format: docere-course/2").replace(
        "    - type: single\n", "    - title: Useful feedback\n      type: single\n"
    )

    course = course_import_yaml(text=text)

    assert post_test_for(course).questions.get(order=1).title == "Useful feedback"
    assert "\n    - title: Useful feedback\n      type: single\n" in course_export_yaml(course=course)


def test_an_evaluation_list_is_imported_as_written():
    text = GOOD.replace(
        "evaluation: null",
        """\
evaluation:
  - kind: likert
    prompt: The session changed how I give feedback.
    code: changed_practice
  - kind: text
    prompt: Anything else?
    code: null
    required: false""",
    )

    course = course_import_yaml(text=text)

    assert list(course.evaluation_items.values_list("order", "kind", "code", "is_required")) == [
        (1, "likert", "changed_practice", True),
        (2, "text", "", False),
    ]


def test_a_published_file_needs_an_activity_id_unless_not_reported_and_a_review_within_three_years():
    text = GOOD.replace("  reported_to_pars: false\n", "").replace("expiry_date: 2028-12-31", "expiry_date: 2029-01-02")

    messages = [problem.message for problem in problems_of(text)]

    assert messages == [
        "course: status is published, but the expiry date 2029-01-02 is more than 3 years after the release date "
        "2026-01-01: an enduring material must be reviewed at least every three years, so set it to 2029-01-01 "
        "or earlier.",
        "course: status is published, but the course has no ACCME activity ID: enter its 9-digit PARS activity "
        "ID, or untick “reported to PARS” if this activity is not reported to PARS.",
    ]


def test_reported_to_pars_is_read_written_and_defaults_to_true():
    reported = course_import_yaml(
        text=GOOD.replace("  reported_to_pars: false\n", '  accme_activity_id: "004512345"\n')
    )
    assert reported.is_reported_to_pars is True
    # The default is what version 1 means, so the export stays a version 1 file without the key.
    exported = course_export_yaml(course=reported)
    assert exported.startswith("format: docere-course/1\n") and "reported_to_pars" not in exported

    not_reported = course_import_yaml(text=GOOD.replace("feedback-on-the-fly", "not-reported"))
    assert not_reported.is_reported_to_pars is False and not_reported.accme_activity_id == ""
    exported = course_export_yaml(course=not_reported)
    assert exported.startswith("format: docere-course/2\n") and "\n  reported_to_pars: false\n" in exported


def test_a_draft_needs_no_publication_checks():
    text = (
        GOOD.replace("    - Give one piece of specific feedback per clinic session.\n", "")
        .replace("  learning_objectives:\n", "")
        .replace("status: published", "status: draft")
    )

    course = course_import_yaml(text=text)

    assert course.status == "draft" and course.published_at is None


def test_topics_are_shared_between_courses_whatever_their_capitals():
    course_import_yaml(text=GOOD)
    course_import_yaml(text=GOOD.replace("feedback-on-the-fly", "second-course").replace("[Feedback]", "[feedback]"))

    assert list(Topic.objects.values_list("name", "slug")) == [("Feedback", "feedback")]


# --- Files that are refused -----------------------------------------------------------------


def test_a_yaml_syntax_error_is_one_problem_with_the_parsers_line():
    text = GOOD.replace("  title: Feedback on the Fly", " title: Feedback on the Fly")

    problems = problems_of(text)

    assert len(problems) == 1
    assert problems[0].line == line_of(text, " title: Feedback on the Fly")
    assert problems[0].message.startswith("the file is not valid YAML: ")


def test_every_problem_in_a_file_is_reported_with_its_line():
    text = (
        GOOD.replace("status: published", "status: publised")
        .replace(
            "        - text: It is generous with praise.",
            "        - text: It is generous with praise.\n          correct: true",
        )
        .replace("          weight: 50\n        - text: A judgment", "          weight: 40\n        - text: A judgment")
        .replace("    body: |", "    titel: Why\n    body: |")
    )

    problems = problems_of(text)

    assert problems == [
        ImportProblem(
            line_of(text, "status: publised"), "course.status: 'publised' is not one of: draft | published | archived"
        ),
        ImportProblem(line_of(text, "titel: Why"), "modules[1].titel: unknown key; did you mean title?"),
        ImportProblem(
            line_of(text, "type: single"),
            "post_test.questions[1]: a single-answer question needs exactly one correct option (found 2)",
        ),
        ImportProblem(
            line_of(text, "type: multiple"),
            "post_test.questions[2]: the positive weights sum to 90; they must sum to 100",
        ),
    ]
    assert str(CourseImportError(problems)).splitlines()[0] == (
        f"line {problems[0].line}: course.status: 'publised' is not one of: draft | published | archived"
    )


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            'credits_max: "0.50"',
            'credits_max: "0.60"',
            "credits_max",
            'course.credits_max: is 0.60; credits are more than 0, at most 100, in steps of 0.25 (e.g. "1.75")',
        ),
        (
            'credits_max: "0.50"',
            "credits_max: 0",
            "credits_max",
            'course.credits_max: is 0; credits are more than 0, at most 100, in steps of 0.25 (e.g. "1.75")',
        ),
        (
            "status: published",
            "status: published\n  passing_score_percent: 101",
            "passing_score_percent",
            "course.passing_score_percent: is 101; it must be between 1 and 100",
        ),
        (
            "expiry_date: 2028-12-31",
            "expiry_date: 2025-12-31",
            "expiry_date",
            "course.expiry_date: the course expires (2025-12-31) before it is released (2026-01-01)",
        ),
        (
            "release_date: 2026-01-01",
            "release_date: 2026-02-30",
            "release_date",
            "a value cannot be read: 2026-02-30 is not a real date (day is out of range for month)",
        ),
        (
            "draw_count: null",
            "draw_count: 3",
            "draw_count",
            "post_test.draw_count: the post-test draws 3 questions but the bank has only 2",
        ),
        (
            "    disclosures:\n      - no_relevant_relationships: true",
            "    disclosures: []",
            "disclosures",
            "faculty[1].disclosures: needs at least one disclosure; write - no_relevant_relationships: true "
            "if there is nothing to disclose",
        ),
        (
            "no_relevant_relationships: true",
            "relationship: Speaker fees",
            "relationship: Speaker",
            "faculty[1].disclosures[1]: needs either no_relevant_relationships: true or the ineligible_company "
            "of the relationship",
        ),
        (
            "format: docere-course/1",
            "format: docere-course/4",
            "format",
            "format: 'docere-course/4' is not a format this version reads "
            "(docere-course/1 or docere-course/2 or docere-course/3)",
        ),
        (
            "    - type: single\n",
            "    - title: " + "x" * 256 + "\n      type: single\n",
            "title: xxx",
            "post_test.questions[1].title: is 256 characters long; at most 255 fit",
        ),
        ("  title: Feedback on the Fly\n", "", "course:", "course: the required key 'title' is missing"),
        (
            '            - text: "True"',
            "            - text: Yes",
            "text: Yes",
            "modules[1].knowledge_check.questions[1].options[1].text: must be text, not true/false (put it in quotes)",
        ),
        (
            '            - text: "True"',
            '            - text: "Right"',
            "type: true_false",
            'modules[1].knowledge_check.questions[1]: a true/false question has exactly two options, "True" and "False"',
        ),
        (
            "          weight: -50",
            "          weight: -33.333",
            "weight: -33.333",
            "post_test.questions[2].options[3].weight: is -33.333; a weight is a percent from -100 to 100 "
            "with at most two decimals",
        ),
        (
            "          feedback: Yes.",
            "          weight: 100",
            "weight: 100",
            "post_test.questions[1].options[1].weight: a single-answer question marks its right option with "
            "correct: true instead of a weight",
        ),
        (
            "    degrees: MD\n",
            "    degrees: MD\n    name: Ada Mensah-Jones\n",
            "Mensah-Jones",
            "faculty[1].name: this key appears twice; the second would silently replace the first",
        ),
    ],
)
def test_a_single_mistake_is_named_at_its_line(old, new, marker, message):
    text = GOOD.replace(old, new)
    assert text != GOOD

    problems = problems_of(text)

    assert [problem.message for problem in problems] == [message]
    assert problems[0].line == line_of(text, marker)


def test_a_published_course_that_fails_the_publication_checks_is_refused_at_the_course_line():
    text = GOOD.replace("    - Give one piece of specific feedback per clinic session.\n", "").replace(
        "  learning_objectives:\n", ""
    )

    problems = problems_of(text)

    assert problems == [ImportProblem(2, "course: status is published, but the course has no learning objectives.")]


# --- Slugs that already exist ---------------------------------------------------------------


def test_a_course_with_the_same_slug_is_not_overwritten_without_replace():
    course_import_yaml(text=GOOD)

    problems = problems_of(GOOD.replace("title: Feedback on the Fly", "title: Feedback, Revised"))

    assert problems == [
        ImportProblem(
            line_of(GOOD, "slug:"),
            "course.slug: a course with slug feedback-on-the-fly already exists; import with replace to overwrite it",
        )
    ]
    assert Course.objects.get().title == "Feedback on the Fly"


def test_replace_overwrites_a_course_nobody_has_enrolled_in():
    old = course_import_yaml(text=GOOD)

    new = course_import_yaml(text=GOOD.replace("title: Feedback on the Fly", "title: Feedback, Revised"), replace=True)

    assert Course.objects.get().title == "Feedback, Revised"
    assert new.pk != old.pk
    assert Module.objects.get().course == new


def test_replace_is_refused_once_a_learner_has_enrolled():
    enrollment = EnrollmentFactory(course=course_import_yaml(text=GOOD))

    problems = problems_of(GOOD.replace("title: Feedback on the Fly", "title: Feedback, Revised"), replace=True)

    assert [problem.message for problem in problems] == [
        "course.slug: the course feedback-on-the-fly has enrolled learners, so it cannot be replaced; "
        "import it under a new slug instead"
    ]
    assert Enrollment.objects.get() == enrollment and enrollment.course.title == "Feedback on the Fly"


# --- Management commands --------------------------------------------------------------------


def test_course_export_and_import_commands_move_a_course_between_sites(tmp_path):
    course = CourseFactory(slug="moving-course")
    out = StringIO()
    call_command("course_export", "moving-course", stdout=out)
    (tmp_path / "course.yaml").write_text(out.getvalue(), encoding="utf-8")
    course.delete()

    done = StringIO()
    call_command("course_import", str(tmp_path / "course.yaml"), stdout=done)

    assert done.getvalue().startswith(f"Imported {course.title} (moving-course): 2 modules")
    assert course_export_yaml(course=Course.objects.get(slug="moving-course")) == out.getvalue()


def test_course_import_command_lists_every_problem_on_stderr(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text(GOOD.replace("status: published", "status: live").replace("role: author", "role: writer"))
    err = StringIO()

    with pytest.raises(CommandError, match="2 problem"):
        call_command("course_import", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        f"line {line_of(GOOD, 'status:')}: course.status: 'live' is not one of: draft | published | archived",
        f"line {line_of(GOOD, 'role:')}: faculty[1].role: 'writer' is not one of: "
        "planner | author | reviewer | presenter",
    ]


def test_course_import_command_exits_non_zero_on_a_broken_file(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text("format: docere-course/1\ncourse: [unclosed\n")

    result = subprocess.run(  # a real process, to see the exit code a shell script would see
        [sys.executable, "manage.py", "course_import", str(path)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        # A developer's shell: DEBUG=1 stands in for the production secrets (DEBUG is off unless set).
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "DEBUG": "1"},
    )

    assert result.returncode == 1
    assert "line 3: the file is not valid YAML" in result.stderr
    assert "nothing was imported" in result.stderr
