"""Building the data set: create() makes and migrates the scratch database, generate()
fills it from the plan (enrollments, module progress, attempts with their answers,
evaluations, credit claims and certificates), Clock prints how long each step took."""

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from bench.generate_dataset.cohort import (
    BATCH,
    COURSES,
    MODULES,
    QUESTIONS,
    create_courses,
    create_learners,
    plan_enrollments,
)
from bench.generate_dataset.scratch import DataSet, recreate_database, use_scratch_database


class Clock:
    def __init__(self):
        self.started = time.perf_counter()

    def say(self, what: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f} s] {what}", flush=True)


def _at(plan, *, days: float) -> datetime:
    return plan["enrolled"] + timedelta(days=days)


def generate(clock: Clock, data_set: DataSet) -> None:
    from courses.models import Enrollment, ModuleProgress

    rng = random.Random(42)
    courses = create_courses()
    clock.say(f"{COURSES} courses, {MODULES} modules and {QUESTIONS} questions each")
    users = create_learners(rng, data_set.learners)
    clock.say(f"{data_set.learners:,} learners with profiles")
    plans = plan_enrollments(rng, users, courses, attempts=data_set.attempts)
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


def create(server: str, data_set: DataSet) -> None:
    clock = Clock()
    recreate_database(server, data_set, create=True)
    use_scratch_database(server, data_set)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clock.say(f"created and migrated {data_set.database}")
    generate(clock, data_set)
    clock.say("done")
