"""Journey 2: an author builds a course in the admin, imports a GIFT bank, is shown every
problem when publishing too early, fixes them, publishes and previews as a learner."""

import re

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission

from courses.models import Course, Question
from tests.e2e.conftest import totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GIFT = """\
// A small bank for the journey.
::Wait time::After asking a question on rounds, what most helps quieter learners answer? {
  =Pausing several seconds before calling on anyone #Yes: wait time invites more voices.
  ~Calling on the most senior learner first #That anchors everyone else.
  ~Answering it yourself to save time
}

::Feedback::Which phrases describe behaviour rather than personality? {
  ~%50%"You summarised the plan before the family asked"
  ~%50%"You checked the dose against the renal function"
  ~%-100%"You are a natural leader"
}

::Belonging::Psychological safety means learners are never challenged. {F}
"""


def author_logs_in(page, author, secret):
    page.goto("/admin/")
    page.get_by_label("Email").fill(author.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_author_builds_publishes_and_previews_a_course(page, tmp_path):
    author = UserFactory(email="author@example.org", is_staff=True)
    # Transactional tests empty the tables, so the group from the data migration is rebuilt here.
    authors, _ = Group.objects.get_or_create(name="Course authors")
    authors.permissions.set(Permission.objects.filter(content_type__app_label="courses"))
    author.groups.add(authors)
    secret = pyotp.random_base32()
    TOTP.activate(author, secret)
    author_logs_in(page, author, secret)

    page.goto("/admin/courses/course/add/")
    page.locator("#id_title").fill("Giving feedback that lands")
    page.locator("#id_summary").fill("Short, specific, kind feedback at the bedside.")
    page.locator("#id_learning_objectives").fill("Describe behaviour-based feedback\nUse wait time")
    page.locator("#id_target_audience").fill("Clinical teachers")
    page.locator("#id_credits_max").fill("1.00")
    page.get_by_text("Add another Module").click()
    assert page.locator("[name=modules-0-order]").input_value() == "1", "a new module's Order starts filled in"
    page.locator("[name=modules-0-title]").fill("Feedback at the bedside")
    page.locator("[name=modules-0-body]").fill("Name the **behaviour**, its effect, and the next step.")
    page.get_by_text("Add another Faculty").click()
    page.locator("[name=faculty-0-name]").fill("Dr. Imani Castellanos-Reed")
    page.get_by_role("button", name="Save and continue editing").first.click()
    page.get_by_text("was added successfully").wait_for()
    course = Course.objects.get(title="Giving feedback that lands")

    # Too early: every problem is listed at once and nothing is published.
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(re.compile("has no disclosure record")).wait_for()
    page.get_by_text(re.compile("no post-test")).first.wait_for()
    page.get_by_text(re.compile("An enduring material needs an expiry date")).wait_for()
    page.get_by_text(re.compile("has no ACCME activity ID")).wait_for()
    course.refresh_from_db()
    assert course.status == "draft"

    # New modules' Order follows the last one's, also for several added at once; a blank
    # one left untouched adds nothing.
    page.get_by_text("Add another Module").click()
    page.get_by_text("Add another Module").click()
    assert page.locator("[name=modules-1-order]").input_value() == "2"
    assert page.locator("[name=modules-2-order]").input_value() == "3"
    page.locator("[name=modules-1-title]").fill("Feedback in clinic")
    page.locator("[name=modules-1-body]").fill("Ask first, then **tell**.")
    page.locator("#id_release_date").fill("2026-01-15")
    page.locator("#id_expiry_date").fill("2029-01-15")
    page.locator("#id_accme_activity_id").fill("004512345")
    page.get_by_role("button", name="Save and continue editing").first.click()
    page.get_by_text("was changed successfully").wait_for()
    assert list(course.modules.values_list("order", flat=True)) == [1, 2]

    page.get_by_role("link", name="Import GIFT questions").click()
    gift_file = tmp_path / "bank.gift"
    gift_file.write_text(GIFT)
    page.locator("input[type=file]").set_input_files(str(gift_file))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text(re.compile(r"Imported 3 question")).wait_for()
    assert Question.objects.filter(quiz__course=course).count() == 3

    faculty = course.faculty.get()
    page.goto(f"/admin/courses/faculty/{faculty.pk}/change/")
    page.get_by_text("Add another Disclosure").click()
    page.locator("[name=disclosures-0-has_no_relevant_relationships]").check()
    page.get_by_role("button", name="Save and continue editing").first.click()

    page.goto(f"/admin/courses/course/{course.pk}/change/")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("is published").wait_for()
    course.refresh_from_db()
    assert course.status == "published"

    page.get_by_role("link", name="Preview as learner").click()
    page.get_by_text("Feedback at the bedside").first.wait_for()
    page.get_by_text("Dr. Imani Castellanos-Reed").first.wait_for()
    page.audit.assert_clean()
