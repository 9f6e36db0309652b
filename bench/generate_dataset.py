"""A realistic data set for the reports benchmark: 10,000 learners, 20 courses, 100,000
post-test attempts (a million answers) and 5,000 certificates, written with bulk_create
into a scratch PostgreSQL database that this script creates, dropping any earlier copy.

    .venv/bin/python -m bench.generate_dataset            # create and fill docere_bench_reports
    .venv/bin/python -m bench.generate_dataset --drop     # remove it again
    .venv/bin/python -m bench.reports                     # then time the reports against it
    .venv/bin/python -m bench.generate_dataset --smoke    # 200 learners in docere_bench_reports_smoke

The server is --server (default: the server DATABASE_URL names, if it is PostgreSQL, else
postgres://postgres@127.0.0.1:5432). The two database names are fixed and checked before
anything is dropped, so the script can never touch `test` or the site's own database, and
the small data set of `--smoke` never replaces the full one.

Answers follow a two-parameter item-response model, so the item analysis has something to
find: most questions discriminate, one in each course is keyed so that stronger learners
miss it, one is too easy and one too hard.
"""

import argparse
import math
import os
import random
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
FALLBACK_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class DataSet:
    """A size of the data set and where it lives; nothing else is ever created or dropped."""

    database: str
    var_dir: Path
    learners: int
    attempts: int
    certificates: int


FULL = DataSet(
    database="docere_bench_reports",
    var_dir=BASE_DIR / "var" / "bench-reports",
    learners=10_000,
    attempts=100_000,
    certificates=5_000,
)
# Small enough to build in seconds in CI, large enough that every report has rows to show
# (several attempts per course, completions, evaluations, certificates of each status).
SMOKE = DataSet(
    database="docere_bench_reports_smoke",
    var_dir=BASE_DIR / "var" / "bench-reports-smoke",
    learners=200,
    attempts=1_500,
    certificates=100,
)
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


def default_server() -> str:
    """The PostgreSQL server DATABASE_URL names (as CI sets it), else the local one."""
    configured = os.environ.get("DATABASE_URL", "")
    return configured if configured.startswith(("postgres://", "postgresql://")) else FALLBACK_SERVER


def scratch_database_url(server: str, data_set: DataSet) -> str:
    parts = urlsplit(server)
    return f"{parts.scheme}://{parts.netloc}/{data_set.database}"


def use_scratch_database(server: str, data_set: DataSet) -> None:
    """Point Django at the scratch database and a scratch VAR_DIR, then start it. The
    environment is the way in: lms/env.py reads it once, when Django starts."""
    os.environ["DATABASE_URL"] = scratch_database_url(server, data_set)
    os.environ["VAR_DIR"] = str(data_set.var_dir)
    # Without REDIS_URL the cache is a folder under VAR_DIR: the configured Redis index
    # (CI's db 0, the site's own) is never written to.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    data_set.var_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if name != data_set.database:
        raise SystemExit(f"Refusing to run against database {name!r}: only {data_set.database!r} is used here.")


def recreate_database(server: str, data_set: DataSet, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(server)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        # The name is one of two constants: this statement cannot reach any other database.
        if data_set not in (FULL, SMOKE):
            raise ValueError(f"not a benchmark data set: {data_set!r}")
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(data_set.database)))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(data_set.database)))


class Clock:
    def __init__(self):
        self.started = time.perf_counter()

    def say(self, what: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f} s] {what}", flush=True)


def _courses():
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


def _learners(rng, count: int):
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


def _plan(rng, users, courses, *, attempts: int) -> list[dict]:
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


def _at(plan, *, days: float) -> datetime:
    return plan["enrolled"] + timedelta(days=days)


def generate(clock: Clock, data_set: DataSet) -> None:
    from courses.models import Enrollment, ModuleProgress

    rng = random.Random(42)
    courses = _courses()
    clock.say(f"{COURSES} courses, {MODULES} modules and {QUESTIONS} questions each")
    users = _learners(rng, data_set.learners)
    clock.say(f"{data_set.learners:,} learners with profiles")
    plans = _plan(rng, users, courses, attempts=data_set.attempts)
    for plan in plans:
        passed = plan["passed_on"] is not None
        plan["enrollment"] = Enrollment(
            user=plan["user"],
            course=plan["course"],
            enrolled_at=plan["enrolled"],
            disclosures_acknowledged_at=_at(plan, days=0.01) if plan["acknowledged"] else None,
            post_test_passed_at=_at(plan, days=2 + plan["passed_on"]) if passed else None,
            evaluation_submitted_at=_at(plan, days=2.1 + plan["passed_on"]) if plan["evaluated"] else None,
            completed_at=_at(plan, days=2.1 + plan["passed_on"]) if plan["evaluated"] else None,
        )
    Enrollment.objects.bulk_create([plan["enrollment"] for plan in plans], batch_size=BATCH)
    clock.say(f"{len(plans):,} enrollments")
    modules = {course.pk: list(course.modules.order_by("order")) for course, _, _ in courses}
    ModuleProgress.objects.bulk_create(
        (
            ModuleProgress(enrollment=plan["enrollment"], module=module, completed_at=_at(plan, days=0.5 + index))
            for plan in plans
            for index, module in enumerate(modules[plan["course"].pk][: plan["modules"]])
        ),
        batch_size=BATCH,
    )
    clock.say("module progress")
    _attempts(rng, plans, clock)
    _evaluations(rng, plans, clock)
    _certificates(rng, plans, clock, count=data_set.certificates)
    from django.db import connection

    # Planner statistics, as autovacuum would have gathered on a database that grew slowly.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock.say("vacuumed and analysed")


def _attempts(rng, plans, clock: Clock) -> None:
    from courses.models import Answer, Attempt

    taking = [(plan, number, marks) for plan in plans for number, marks in enumerate(plan["tries"], start=1)]
    for start in range(0, len(taking), BATCH):
        batch = taking[start : start + BATCH]
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    enrollment=plan["enrollment"],
                    quiz=plan["quiz"],
                    number=number,
                    started_at=_at(plan, days=1 + number),
                    submitted_at=_at(plan, days=1.01 + number),
                    layout=[{"question": item[0], "options": item[3]} for item in plan["items"]],
                    score_percent=Decimal(sum(marks) * 100) / QUESTIONS,
                    passed=sum(marks) * 100 >= 80 * QUESTIONS,
                )
                for plan, number, marks in batch
            ]
        )
        Answer.objects.bulk_create(
            [
                Answer(
                    attempt=attempt,
                    question_id=item[0],
                    points=Decimal(mark),
                    saved_at=attempt.submitted_at,
                    # Wrong answers favour the first distractor, as real ones do.
                    selected_option_ids=[item[3][0] if mark else item[3][1 + min(int(rng.expovariate(1.2)), 2)]],
                )
                for attempt, (plan, _, marks) in zip(attempts, batch, strict=True)
                for item, mark in zip(plan["items"], marks, strict=True)
            ],
            batch_size=BATCH,
        )
        if (start // BATCH) % 4 == 3 or start + BATCH >= len(taking):
            clock.say(f"{min(start + BATCH, len(taking)):,} attempts with their answers")


LIKERT_WEIGHTS = {
    "objectives_met": [1, 2, 6, 45, 46],
    "free_of_commercial_bias": [2, 3, 6, 39, 50],
    "relevant_to_practice": [1, 3, 10, 44, 42],
    "intent_to_change": [2, 6, 20, 42, 30],
}
CHANGES = [
    "Ask the learner's view first.",
    "Name behaviour, not the person.",
    "Rotate who presents on rounds.",
    "Write evaluations from observed events.",
    "Check in privately after a difficult remark.",
]


def _evaluations(rng, plans, clock: Clock) -> None:
    from courses.models import EvaluationItem, EvaluationResponse

    items = {}
    for item in EvaluationItem.objects.all():
        items.setdefault(item.course_id, []).append(item)
    responses = []
    for plan in plans:
        if not plan["evaluated"]:
            continue
        submitted = plan["enrollment"].evaluation_submitted_at
        for item in items[plan["course"].pk]:
            if item.kind == "likert":
                value = rng.choices(range(1, 6), weights=LIKERT_WEIGHTS[item.code])[0]
                if item.code == "free_of_commercial_bias":
                    plan["bias"] = value
                responses.append(
                    EvaluationResponse(
                        enrollment=plan["enrollment"], item=item, likert_value=value, submitted_at=submitted
                    )
                )
            elif item.code == "what_will_you_change":
                responses.append(
                    EvaluationResponse(
                        enrollment=plan["enrollment"], item=item, text=rng.choice(CHANGES), submitted_at=submitted
                    )
                )
            elif plan.get("bias", 5) <= 2:
                responses.append(
                    EvaluationResponse(
                        enrollment=plan["enrollment"],
                        item=item,
                        submitted_at=submitted,
                        text="One case leaned on a single product's trial.",
                    )
                )
    EvaluationResponse.objects.bulk_create(responses, batch_size=BATCH)
    clock.say(f"{len(responses):,} evaluation answers")


def _certificates(rng, plans, clock: Clock, *, count: int) -> None:
    from certificates.models import Certificate, CertificateStatus, CreditClaim

    completed = [plan for plan in plans if plan["evaluated"]]
    chosen = rng.sample(completed, count)
    claims = CreditClaim.objects.bulk_create(
        [
            CreditClaim(
                enrollment=plan["enrollment"],
                credit_type=_credit_type(plan),
                attested_at=_claimed(plan),
                credits_claimed=Decimal(rng.choice(["1.00", "1.25", "1.50"])),
                claimed_at=_claimed(plan),
            )
            for plan in chosen
        ],
        batch_size=BATCH,
    )
    certificates = []
    for plan, claim in zip(chosen, claims, strict=True):
        status = rng.choices(
            [CertificateStatus.READY, CertificateStatus.PENDING, CertificateStatus.REVOKED], weights=[96, 2, 2]
        )[0]
        issued = None if status == CertificateStatus.PENDING else _claimed(plan) + timedelta(minutes=1)
        certificates.append(
            Certificate(
                claim=claim,
                enrollment=plan["enrollment"],
                user=plan["user"],
                course=plan["course"],
                status=status,
                learner_name=f"Bench Learner {plan['user'].pk}",
                course_title=plan["course"].title,
                activity_format="Enduring material",
                provider_name=plan["course"].provider_name,
                accreditation_statement="Accredited.",
                designation_statement="Designated.",
                credit_type=claim.credit_type,
                credits=claim.credits_claimed,
                completion_date=plan["enrollment"].completed_at.date(),
                issued_at=issued,
                pdf_path="" if issued is None else f"certificates/bench-{claim.pk}.pdf",
                pdf_size=None if issued is None else 40_000,
                pdf_sha256="" if issued is None else "0" * 64,
                revoked_at=issued if status == CertificateStatus.REVOKED else None,
                revoked_reason="Generated revocation." if status == CertificateStatus.REVOKED else "",
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    clock.say(f"{len(claims):,} credit claims and certificates")


def _credit_type(plan) -> str:
    from certificates.models import CreditType

    return CreditType.AMA_PRA_CATEGORY_1 if plan["physician"] else CreditType.PARTICIPATION


def _claimed(plan) -> datetime:
    return plan["enrollment"].completed_at + timedelta(hours=1)


def main() -> None:
    # Run on its own, the generator only migrates and writes rows: development settings (no
    # secret key or host names to supply) do. bench.reports sets production ones before it.
    os.environ.setdefault("DEBUG", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default=default_server(), help="PostgreSQL server URL; a database name in it is ignored"
    )
    parser.add_argument(
        "--smoke", action="store_true", help=f"the small data set ({SMOKE.learners} learners) in {SMOKE.database}"
    )
    parser.add_argument("--drop", action="store_true", help="drop the scratch database and stop")
    arguments = parser.parse_args()
    data_set = SMOKE if arguments.smoke else FULL
    if arguments.drop:
        drop(arguments.server, data_set)
        return
    create(arguments.server, data_set)


def create(server: str, data_set: DataSet) -> None:
    clock = Clock()
    recreate_database(server, data_set, create=True)
    use_scratch_database(server, data_set)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clock.say(f"created and migrated {data_set.database}")
    generate(clock, data_set)
    clock.say("done")


def drop(server: str, data_set: DataSet) -> None:
    recreate_database(server, data_set, create=False)
    shutil.rmtree(data_set.var_dir, ignore_errors=True)
    print(f"Dropped {data_set.database} and removed {data_set.var_dir.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
