"""The module page: its content is rendered once per course revision and shared through
the cache, while everything that is a learner's own (progress, the post-test outcome,
messages, the CSRF token in every form) is rendered for each response."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import clear_script_prefix, reverse, set_script_prefix

from courses import services
from courses.models import Course, QuizKind
from courses.module_content import content_format, course_outline_key, module_content_key
from tests.courses.conftest import complete_modules, correct_answers, wrong_answers
from tests.courses.test_query_counts import MODULE_PAGE_QUERIES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page_of(client, course, order=1) -> str:
    response = client.get(reverse("courses:module", args=[course.slug, order]))
    assert response.status_code == 200
    return response.content.decode()


def tokens_in(page: str) -> set[str]:
    """Every CSRF token a page carries: in its forms and in the header htmx sends."""
    return set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', page)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', page)
    )


def without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", page)


def learner_reading(course, email: str, *, complete_first: bool = False, enforce_csrf_checks=False) -> Client:
    user = UserFactory(email=email)
    enrollment = services.enrollment_create(user=user, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    if complete_first:
        services.module_complete(enrollment=enrollment, module=course.modules.get(order=1))
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def learner_after_the_post_test(course, email: str, *, passed: bool) -> Client:
    user = UserFactory(email=email)
    enrollment = services.enrollment_create(user=user, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    services.attempt_submit(attempt=attempt, answers=(correct_answers if passed else wrong_answers)(attempt))
    client = Client()
    client.force_login(user)
    return client


def content_is_cached(course, order=1) -> bool:
    course = Course.objects.get(pk=course.pk)
    return cache.get(module_content_key(course=course, order=order)) is not None


def test_every_form_carries_the_learners_own_token_and_posts_without_javascript(course):
    client = learner_reading(course, "reader@example.org", enforce_csrf_checks=True)
    page = page_of(client, course)
    form = re.search(
        r'<form class="question" method="post" action="([^"]+)".*?'
        r'name="csrfmiddlewaretoken" value="([^"]+)".*?name="(q\d+)" value="(\d+)"',
        page,
        re.S,
    )
    action, token, field, option = form.groups()
    response = client.post(action, {"csrfmiddlewaretoken": token, field: option})
    assert response.status_code == 200
    assert re.search(r'class="feedback-(correct|incorrect)" role="status"', response.content.decode())


def test_a_learners_token_never_appears_in_another_learners_page(course):
    first = learner_reading(course, "first@example.org", enforce_csrf_checks=True)
    second = learner_reading(course, "second@example.org", enforce_csrf_checks=True)
    first_page = page_of(first, course)
    assert content_is_cached(course), "the second learner is served from the same cache entry"
    second_page = page_of(second, course)

    assert tokens_in(first_page) and tokens_in(second_page)
    assert not tokens_in(first_page) & tokens_in(second_page)
    assert first.cookies["csrftoken"].value not in second_page
    # Every token on the second learner's page is theirs: the first learner cannot post with it.
    action = re.search(r'<form class="question" method="post" action="([^"]+)"', second_page).group(1)
    option = re.search(r'name="(q\d+)" value="(\d+)"', second_page).groups()
    for token in tokens_in(second_page):
        assert first.post(action, {"csrfmiddlewaretoken": token, option[0]: option[1]}).status_code == 403
        assert second.post(action, {"csrfmiddlewaretoken": token, option[0]: option[1]}).status_code == 200


def test_learners_at_the_same_point_see_the_same_page_apart_from_their_tokens(course):
    first = page_of(learner_reading(course, "a@example.org"), course)
    second = page_of(learner_reading(course, "b@example.org"), course)
    assert without_tokens(first) == without_tokens(second)


def test_learners_at_different_points_see_their_own_progress(course):
    behind = learner_reading(course, "behind@example.org")
    ahead = learner_reading(course, "ahead@example.org", complete_first=True)
    assert "Mark complete and continue" in page_of(behind, course)
    page = page_of(ahead, course)
    assert "You completed this module" in page and "Mark complete and continue" not in page
    assert "(complete)" in page
    assert "Mark complete and continue" in page_of(behind, course)


def test_a_learner_who_passed_and_one_who_did_not_each_see_their_own_outcome_from_the_same_cache(course):
    passed = learner_after_the_post_test(course, "passed@example.org", passed=True)
    failed = learner_after_the_post_test(course, "failed@example.org", passed=False)
    # Same modules complete, same module open, same cached content: only the outcome differs.
    for _ in range(2):
        page = page_of(passed, course)
        assert "(passed)" in page and f'href="/courses/{course.slug}/evaluation/"' in page
        assert content_is_cached(course)
        page = page_of(failed, course)
        assert "(passed)" not in page and '<span>Evaluation</span> <span class="meta">(locked)</span>' in page
        assert f'href="/courses/{course.slug}/evaluation/"' not in page


def test_a_message_for_one_learner_shows_on_their_page_only(course):
    enrolling = UserFactory(email="new@example.org")
    newcomer = Client()
    newcomer.force_login(enrolling)
    newcomer.post(reverse("courses:enroll", args=[course.slug]))
    services.disclosures_acknowledge(enrollment=enrolling.enrollments.get())
    other = learner_reading(course, "other@example.org")
    assert "You are enrolled in" in page_of(newcomer, course)
    assert "You are enrolled in" not in page_of(other, course)


def test_staff_see_their_own_navigation_on_a_page_learners_share(course):
    assert ">Admin</a>" not in page_of(learner_reading(course, "learner2@example.org"), course)
    staff = UserFactory(email="staff@example.org", is_staff=True)
    services.disclosures_acknowledge(enrollment=services.enrollment_create(user=staff, course=course))
    client = Client()
    client.force_login(staff)
    assert ">Admin</a>" in page_of(client, course)


def test_the_page_works_the_same_with_the_cache_turned_off(course, settings):
    no_cache = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {"default": no_cache, "local": no_cache}
    page = page_of(learner_reading(course, "nocache@example.org"), course)
    assert "Body of module 1." in page and "Check for module 1?" in page


def test_a_process_keeps_its_own_copy_and_renders_nothing_again_when_the_shared_cache_lost_it(
    course, django_assert_max_num_queries
):
    client = learner_reading(course, "steady@example.org")
    first = page_of(client, course)
    course = Course.objects.get(pk=course.pk)
    # Redis evicted the entries (or was flushed): this process still has what it showed.
    cache.delete_many([course_outline_key(course=course), module_content_key(course=course, order=1)])
    with django_assert_max_num_queries(MODULE_PAGE_QUERIES):
        assert without_tokens(page_of(client, course)) == without_tokens(first)


def test_a_course_given_a_new_address_links_every_module_and_check_there(course):
    """The cached outline and checks hold their addresses: a slug changed without an edit to
    the content (a data fix in the shell) must not leave them pointing at the old one."""
    client = learner_reading(course, "mover@example.org", complete_first=True)
    old = course.slug
    assert f'href="/courses/{old}/modules/2/"' in page_of(client, course)
    Course.objects.filter(pk=course.pk).update(slug="moved-course")
    course.slug = "moved-course"
    page = page_of(client, course, order=2)
    assert f"/courses/{old}/" not in page
    assert 'href="/courses/moved-course/modules/1/"' in page and 'href="/courses/moved-course/modules/2/"' in page
    assert re.search(r'<form class="question" method="post" action="/courses/moved-course/modules/2/check/\d+/"', page)


def test_links_carry_the_script_prefix_the_site_is_served_under(course):
    """Behind a proxy that mounts the site under a path, every cached address carries it, and a
    process asked under another prefix (a second mount) never hands out the first one's."""
    client = learner_reading(course, "mounted@example.org", complete_first=True)
    url = reverse("courses:module", args=[course.slug, 2])
    # What Django's WSGI handler does with a request's SCRIPT_NAME (the test client skips it).
    set_script_prefix("/cme/")
    try:
        mounted = client.get(url).content.decode()
    finally:
        clear_script_prefix()
    assert f'href="/cme/courses/{course.slug}/modules/1/"' in mounted
    assert re.search(rf'action="/cme/courses/{course.slug}/modules/2/check/\d+/"', mounted)
    plain = page_of(client, course, order=2)
    assert "/cme/" not in plain and f'href="/courses/{course.slug}/modules/1/"' in plain


def test_a_release_that_moves_the_course_pages_reads_fresh_entries_not_the_old_addresses(course, settings):
    """Entries hold addresses, and Redis keeps its entries across a deploy: a release whose
    routes differ must not hand out the old release's links from them."""
    client = learner_reading(course, "routes@example.org", complete_first=True)
    assert f'href="/courses/{course.slug}/modules/1/"' in page_of(client, course, order=2)
    content_format.cache_clear()  # a new release's processes start without a fingerprint
    settings.ROOT_URLCONF = "tests.courses.moved_urls"
    try:
        page = client.get(f"/learn/courses/{course.slug}/modules/2/").content.decode()
    finally:
        content_format.cache_clear()
    assert f'href="/learn/courses/{course.slug}/modules/1/"' in page
    assert re.search(rf'action="/learn/courses/{course.slug}/modules/2/check/\d+/"', page)
