"""Import and export a whole course as one YAML file (`docere-course/1`, `/2` or `/3`, docs/course-format.md).

The import checks the whole document first (course_yaml_checks) and reports every problem
with its line, so an author fixes a file in one pass. The rows are written in one
transaction: a file with any problem changes nothing.
"""

from django.db import transaction
from django.utils.text import slugify

from courses import authoring_services
from courses.errors import CoursePublishError
from courses.importers.course_yaml_checker import (  # noqa: F401 — ImportProblem is part of this module's API
    Checker,
    CourseImportError,
    ImportProblem,
)
from courses.importers.course_yaml_checks import (
    DOCUMENT,
    READABLE_FORMATS,
    course_to_replace,
    load_document,
    report_duplicate_keys,
)
from courses.importers.course_yaml_export import course_export_yaml  # noqa: F401 — re-exported
from courses.importers.gift_import import quiz_questions_append
from courses.models import (
    Course,
    CourseMocRegistration,
    CourseStatus,
    Disclosure,
    EvaluationItem,
    Faculty,
    Module,
    Quiz,
    QuizKind,
    Topic,
)


# --- Writing ------------------------------------------------------------------------------
def _topics(names: list[str]) -> list[Topic]:
    topics = []
    for name in names:
        # "Belonging" and "belonging" share a slug: reuse the topic rather than break its unique slug.
        topic = Topic.objects.filter(name=name).first() or Topic.objects.filter(slug=slugify(name)).first()
        topics.append(topic or Topic.objects.create(name=name, slug=slugify(name)))
    return topics


def _course_create(document: dict) -> Course:
    fields = dict(document["course"])
    topics, status = fields.pop("topics"), fields.pop("status")
    fields["is_reported_to_pars"] = fields.pop("reported_to_pars")
    registrations = fields.pop("moc_registrations")
    course = Course.objects.create(**fields)
    CourseMocRegistration.objects.bulk_create(
        [CourseMocRegistration(course=course, **entry) for entry in registrations]
    )
    course.topics.set(_topics(topics))
    for order, person in enumerate(document["faculty"], start=1):
        faculty = Faculty.objects.create(
            course=course, order=order, name=person["name"], degrees=person["degrees"], role=person["role"]
        )
        Disclosure.objects.bulk_create(
            [
                Disclosure(
                    faculty=faculty,
                    has_no_relevant_relationships=d["no_relevant_relationships"],
                    ineligible_company=d["ineligible_company"],
                    relationship=d["relationship"],
                    is_mitigated=d["mitigated"],
                )
                for d in person["disclosures"]
            ]
        )
    for order, entry in enumerate(document["modules"], start=1):
        module = Module.objects.create(
            course=course,
            order=order,
            title=entry["title"],
            body=entry["body"],
            estimated_minutes=entry["estimated_minutes"],
        )
        if entry["knowledge_check"] is not None:
            quiz = Quiz.objects.create(course=course, module=module, kind=QuizKind.KNOWLEDGE_CHECK)
            quiz_questions_append(quiz=quiz, questions=entry["knowledge_check"]["questions"])
    if document["post_test"] is not None:
        settings = dict(document["post_test"])
        questions = settings.pop("questions")
        quiz_questions_append(
            quiz=Quiz.objects.create(course=course, kind=QuizKind.POST_TEST, **settings), questions=questions
        )
    if document["evaluation"] is None:
        authoring_services.evaluation_items_seed_standard(course=course)
    else:
        EvaluationItem.objects.bulk_create(
            [
                EvaluationItem(
                    course=course,
                    order=order,
                    kind=item["kind"],
                    prompt=item["prompt"],
                    code=item["code"],
                    is_required=item["required"],
                )
                for order, item in enumerate(document["evaluation"], start=1)
            ]
        )
    if status == CourseStatus.ARCHIVED:
        authoring_services.course_unpublish(course=course, archive=True)
    return course


def course_import_yaml(*, text: str, replace: bool = False) -> Course:
    """Create a course from a `docere-course/1` or `/2` file, or raise CourseImportError listing every problem.

    With replace, an existing course with the same slug is deleted and recreated, unless
    learners have enrolled in it. A file saying status: published must pass the publication
    checks; a draft or archived file is imported as it is.
    """
    with transaction.atomic():
        root, data = load_document(text)
        checker = Checker(root)
        version = data.get("format") if isinstance(data, dict) else None
        if isinstance(version, str) and version not in READABLE_FORMATS:
            # Checking another version's file by this version's rules would only bury this message.
            checker.problem(
                ("format",), f"'{version}' is not a format this version reads ({' or '.join(READABLE_FORMATS)})"
            )
            raise CourseImportError(checker.problems)
        report_duplicate_keys(checker, root, (), set())
        document = checker.mapping(data, (), DOCUMENT)
        existing = None
        if document and document["course"] and document["course"]["slug"]:
            existing = course_to_replace(checker, document["course"]["slug"], replace)
        if checker.problems or document is None:
            # In file order, so an author can work down the file.
            raise CourseImportError(sorted(checker.problems, key=lambda problem: problem.line or 0))
        if existing is not None:
            existing.delete()
        course = _course_create(document)
        if document["course"]["status"] == CourseStatus.PUBLISHED:
            try:
                authoring_services.course_publish(course=course)
            except CoursePublishError as exc:
                for problem in exc.problems:
                    checker.problem(("course",), f"status is published, but {problem[0].lower()}{problem[1:]}")
                raise CourseImportError(checker.problems) from exc
    return course
