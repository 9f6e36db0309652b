"""Who is in the data set: the courses with their question banks, the learners with their
profiles, and the plan that decides up front how far each enrollment gets and how each
post-test attempt is answered (a two-parameter item-response model)."""

import math
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

COURSES = 20
COURSES_PER_LEARNER = 6
MODULES, QUESTIONS, OPTIONS = 4, 10, 4
MAX_ATTEMPTS = 5
BATCH = 5_000
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
INSTITUTIONS = [
    f"{name} {kind}"
    for name in (
        "Lakeside",
        "Riverside",
        "Northgate",
        "Harbor",
        "Summit",
        "Prairie",
        "Cedar",
        "Bayview",
        "Highland",
        "Valley",
    )
    for kind in ("School of Medicine", "University Hospital", "Medical Center", "College of Medicine")
]
BOARDS = ["ABIM", "ABP", "ABS", "ABA", "ABFM", "ABPath", ""]
STATES = ["OH", "NY", "CA", "TX", "MI", "IL", "PA", "WA"]


def create_courses():
    """The courses with their banks: (course, quiz, items), items as (question id, a, b, option ids, right first)."""
    from courses import authoring_services
    from courses.models import Course, Faculty, Module, Option, Question, Quiz

    rng = random.Random(7)
    courses = []
    for number in range(1, COURSES + 1):
        course = Course.objects.create(
            slug=f"bench-course-{number:02d}",
            title=f"Benchmark course {number:02d}",
            summary="Generated.",
            credits_max=Decimal("1.50"),
            status="published",
            accme_activity_id=f"{900000000 + number}",
            learning_objectives=["Teach"],
            published_at=YEAR_START,
        )
        Faculty.objects.create(course=course, name="Generated Faculty")
        Module.objects.bulk_create(
            [Module(course=course, order=n, title=f"Module {n}", body="Text.") for n in range(1, MODULES + 1)]
        )
        quiz = Quiz.objects.create(course=course, kind="post_test", shuffle_questions=False, shuffle_options=False)
        items = []
        for order in range(1, QUESTIONS + 1):
            question = Question.objects.create(quiz=quiz, order=order, stem=f"Generated question {order}?")
            options = Option.objects.bulk_create(
                [
                    Option(question=question, order=n, text=f"Option {n}", weight_percent=100 if n == 1 else 0)
                    for n in range(1, OPTIONS + 1)
                ]
            )
            # (discrimination a, difficulty b): question 8 too hard, 9 too easy, 10 mis-keyed.
            a = {10: -0.9}.get(order, rng.uniform(0.7, 1.8))
            b = {8: 2.6, 9: -3.5}.get(order, rng.gauss(-0.9, 0.7))
            items.append((question.id, a, b, [option.id for option in options]))
        authoring_services.evaluation_items_seed_standard(course=course)
        courses.append((course, quiz, items))
    return courses


def create_learners(rng, count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.models import Profile

    User = get_user_model()
    no_password = make_password(None)  # generated learners never sign in
    users = User.objects.bulk_create(
        [
            User(
                username=f"learner{n:05d}@bench.example",
                email=f"learner{n:05d}@bench.example",
                password=no_password,
                first_name="Bench",
                last_name=f"Learner {n:05d}",
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    profiles = []
    for n, user in enumerate(users):
        physician = rng.random() < 0.7
        complete = rng.random() < 0.85
        profiles.append(
            Profile(
                user=user,
                first_name="Bench",
                last_name=f"Learner {n:05d}",
                certificate_name=f"Bench Learner {n:05d}",
                credentials="MD" if physician else rng.choice(["RN", "PA", "NP", "PharmD"]),
                profession="physician" if physician else "other_hp",
                institution=INSTITUTIONS[min(int(rng.paretovariate(1.2)) - 1, len(INSTITUTIONS) - 1)],
                npi="1234567893" if physician and complete else "",
                licence_state=rng.choice(STATES) if physician else "",
                licence_number=f"{rng.randrange(10**7):07d}" if physician and complete else "",
                certifying_board=rng.choice(BOARDS) if physician else "",
                board_id=f"{rng.randrange(10**6):06d}" if physician and rng.random() < 0.9 else "",
                birth_month=4 if physician and complete else None,
                birth_day=18 if physician and complete else None,
                reporting_consent=physician and rng.random() < 0.6,
            )
        )
    Profile.objects.bulk_create(profiles, batch_size=BATCH)
    return [(user, profile.profession == "physician") for user, profile in zip(users, profiles, strict=True)]


def plan_enrollments(rng, users, courses, *, attempts: int) -> list[dict]:
    """Every enrollment's path, decided up front: how far it gets and each attempt's answers."""
    plans = []
    for user, is_physician in users:
        for course, quiz, items in rng.sample(courses, COURSES_PER_LEARNER):
            enrolled = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
            acknowledged = rng.random() < 0.93
            if not acknowledged:
                modules_done = 0
            else:
                modules_done = MODULES if rng.random() < 0.88 else rng.randrange(MODULES)
            plans.append(
                {
                    "user": user,
                    "physician": is_physician,
                    "course": course,
                    "quiz": quiz,
                    "items": items,
                    "enrolled": enrolled,
                    "acknowledged": acknowledged,
                    "modules": modules_done,
                    "ability": rng.gauss(0.4, 1.0),
                    "tries": [],
                    "takes_test": modules_done == MODULES and rng.random() < 0.9,
                }
            )
    rng.shuffle(plans)
    total = 0
    for plan in plans:
        if not plan["takes_test"] or total >= attempts:
            continue
        for number in range(MAX_ATTEMPTS):
            theta = plan["ability"] + 0.35 * number  # each retake after feedback helps a little
            marks = [int(rng.random() < 1 / (1 + math.exp(-a * (theta - b)))) for _, a, b, _ in plan["items"]]
            plan["tries"].append(marks)
            total += 1
            if sum(marks) * 100 >= 80 * QUESTIONS or total >= attempts:
                break
    if total < attempts:
        raise SystemExit(f"Only {total:,} attempts came out of the plan; raise COURSES_PER_LEARNER.")
    for plan in plans:
        passed_on = next((n for n, marks in enumerate(plan["tries"]) if sum(marks) * 100 >= 80 * QUESTIONS), None)
        plan["passed_on"] = passed_on
        plan["evaluated"] = passed_on is not None and rng.random() < 0.88
    return plans
