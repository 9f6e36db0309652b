"""Course-file checks of who and what the activity is: the `course:` facts (with its topics,
dates and MOC registrations) and the `faculty:` with their disclosures."""

import re
from typing import Any

from django.utils.text import slugify

from courses.importers.course_yaml_checker import (
    REQUIRED,
    Checker,
    Path,
    check_boolean,
    check_choice,
    check_credits,
    check_date,
    check_integer,
    check_list,
    check_slug,
    check_text,
    model_default,
)
from courses.models import (
    ActivityFormat,
    Course,
    CourseStatus,
    Faculty,
    FacultyRole,
    MocBoard,
    MocCreditType,
)


def _disclosure(c: Checker, value: Any, path: Path) -> dict | None:
    disclosure = c.mapping(
        value,
        path,
        {
            "no_relevant_relationships": (check_boolean, False),
            "ineligible_company": (check_text(max_length=200, blank=True), ""),
            "relationship": (check_text(max_length=200, blank=True), ""),
            "mitigated": (check_boolean, False),
        },
    )
    if disclosure is None:
        return None
    nothing, company = disclosure["no_relevant_relationships"], disclosure["ineligible_company"].strip()
    if nothing and company:
        c.problem(path, "give either no_relevant_relationships: true or an ineligible_company, not both")
    elif not nothing and not company:
        c.problem(path, "needs either no_relevant_relationships: true or the ineligible_company of the relationship")
    elif nothing and (disclosure["relationship"] or disclosure["mitigated"]):
        c.problem(
            path,
            "relationship and mitigated describe a relationship with an ineligible company; "
            "remove them when there is nothing to disclose",
        )
    return disclosure


def check_faculty(c: Checker, value: Any, path: Path) -> dict | None:
    # ACCME Standard 3: everyone in control of content discloses, even "nothing to disclose".
    return c.mapping(
        value,
        path,
        {
            "name": (check_text(max_length=200), REQUIRED),
            "degrees": (check_text(max_length=100, blank=True), ""),
            "role": (check_choice(FacultyRole), model_default(Faculty, "role")),
            "disclosures": (
                check_list(
                    _disclosure,
                    min_items=1,
                    too_few="needs at least one disclosure; write "
                    "- no_relevant_relationships: true if there is "
                    "nothing to disclose",
                ),
                REQUIRED,
            ),
        },
    )


def _moc_registration(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(
        value,
        path,
        {
            "board": (check_choice(MocBoard), REQUIRED),
            "credit_type": (check_choice(MocCreditType), REQUIRED),
            "points": (check_credits, REQUIRED),
        },
    )


def _topic(c: Checker, value: Any, path: Path) -> str:
    name = check_text(max_length=80)(c, value, path)
    if name and not slugify(name):
        c.problem(path, f"'{name}' needs at least one letter or digit")
    return name


def check_course(c: Checker, value: Any, path: Path) -> dict | None:
    course = c.mapping(
        value,
        path,
        {
            "slug": (check_slug(max_length=80), REQUIRED),
            "title": (check_text(max_length=200), REQUIRED),
            "summary": (check_text(max_length=400), REQUIRED),
            "description": (check_text(blank=True), ""),
            "topics": (check_list(_topic), []),
            "learning_objectives": (check_list(check_text()), []),
            "target_audience": (check_text(blank=True), ""),
            "activity_format": (check_choice(ActivityFormat), model_default(Course, "activity_format")),
            "estimated_minutes": (check_integer(minimum=0), model_default(Course, "estimated_minutes")),
            "credits_max": (check_credits, REQUIRED),
            "provider_name": (check_text(max_length=200), model_default(Course, "provider_name")),
            "accme_activity_id": (check_text(nullable=True), ""),
            "reported_to_pars": (check_boolean, True),
            "moc_registrations": (check_list(_moc_registration), []),
            "accreditation_statement": (check_text(blank=True, nullable=True), ""),
            "designation_statement": (check_text(blank=True, nullable=True), ""),
            "release_date": (check_date, None),
            "expiry_date": (check_date, None),
            "passing_score_percent": (
                check_integer(minimum=1, maximum=100),
                model_default(Course, "passing_score_percent"),
            ),
            "status": (check_choice(CourseStatus), CourseStatus.DRAFT),
        },
    )
    if course is None:
        return None
    if course["accme_activity_id"] and not re.fullmatch(r"[0-9]{9}", course["accme_activity_id"]):
        c.problem((*path, "accme_activity_id"), "an ACCME activity ID is 9 digits, written in quotes")
    release, expiry = course["release_date"], course["expiry_date"]
    if release and expiry and expiry < release:
        c.problem((*path, "expiry_date"), f"the course expires ({expiry}) before it is released ({release})")
    boards = [entry["board"] for entry in course["moc_registrations"] if entry]
    for index, board in enumerate(boards):
        if board and board in boards[:index]:
            c.problem((*path, "moc_registrations", index), f"the activity is registered with {board} twice")
    slugs = [slugify(name) for name in course["topics"]]
    for index, slug in enumerate(slugs):
        if slug and slug in slugs[:index]:
            c.problem((*path, "topics", index), "this topic is listed twice")
    return course
