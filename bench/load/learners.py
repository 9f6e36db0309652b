"""The load benchmark's learners: where each one is (population(), which the tests check
looks like a real course's), and prepare(), which imports the demo courses and puts each
learner at their place, signed in, for bench/load.lua to read."""

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.load_stack import BASE_DIR, django_shell_json

DEMO_COURSES = sorted((BASE_DIR / "courses" / "demo").glob("*.yaml"))


# One learner in this many is in the post-test.
POST_TEST_EVERY = 3


@dataclass(frozen=True)
class Place:
    """Where a learner is: modules 1 to `open_modules` of the course are open to them (all
    but the last complete); in the post-test, every module is complete."""

    course: int
    open_modules: int
    in_post_test: bool


def population(*, learners: int, modules_per_course: Sequence[int]) -> list[Place]:
    """Learners in groups of POST_TEST_EVERY, the groups dealt to the courses in turn; the
    last of each group is in the post-test, and each course's readers are dealt to its
    modules in turn, so every module has readers once a course has as many as modules."""
    places: list[Place] = []
    readers = [0] * len(modules_per_course)
    for n in range(learners):
        course = (n // POST_TEST_EVERY) % len(modules_per_course)
        modules = modules_per_course[course]
        if n % POST_TEST_EVERY == POST_TEST_EVERY - 1:
            places.append(Place(course=course, open_modules=modules, in_post_test=True))
        else:
            places.append(Place(course=course, open_modules=1 + readers[course] % modules, in_post_test=False))
            readers[course] += 1
    return places


def prepare(env: dict[str, str], learners: int) -> list[dict]:
    """Migrate, import the demo courses, and put each learner at their place, signed in."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    # As in the production image: hashed static files served by WhiteNoise.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    script = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from bench.load.learners import population
from courses import services
from courses.importers.course_yaml import course_import_yaml
from courses.models import Course, Quiz
courses = [course_import_yaml(text=open(path).read()) for path in {[str(path) for path in DEMO_COURSES]!r}]
# Unlimited attempts and a score no one reaches: a learner in the post-test can always start another.
Quiz.objects.filter(course__in=courses, kind="post_test").update(max_attempts=0, draw_count=10)
Course.objects.filter(pk__in=[course.pk for course in courses]).update(passing_score_percent=100)
modules = [list(course.modules.order_by("order")) for course in courses]
User = get_user_model()
out = []
for n, place in enumerate(population(learners={learners}, modules_per_course=[len(m) for m in modules])):
    user = User.objects.create_user(username=f"load{{n}}@example.org", email=f"load{{n}}@example.org")
    enrollment = services.enrollment_create(user=user, course=courses[place.course])
    services.disclosures_acknowledge(enrollment=enrollment)
    done = modules[place.course] if place.in_post_test else modules[place.course][:place.open_modules - 1]
    for module in done:
        services.module_complete(enrollment=enrollment, module=module)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    secret = _get_new_csrf_string()
    out.append({{"session": session.session_key, "csrf_cookie": secret, "csrf_token": _mask_cipher_secret(secret),
                "slug": courses[place.course].slug, "open_modules": place.open_modules,
                "role": "post-test" if place.in_post_test else "reader"}})
print(json.dumps(out))
"""
    return django_shell_json(env, script)


def write_learners_file(learners: list[dict], path: Path) -> None:
    path.write_text(
        "".join(
            f"{x['session']} {x['csrf_cookie']} {x['csrf_token']} {x['slug']} {x['open_modules']} {x['role']}\n"
            for x in learners
        )
    )
