"""Aggregates for the administrators' overview and evaluation summary.

Every number is counted by the database (values + annotate/aggregate), so a page costs
the same few queries for ten learners or ten thousand (tests/reports/test_query_counts.py).
Python only arranges rows that are already one per course, month or category.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import Lower, RowNumber, Trim, TruncMonth

from accounts.models import Profession
from certificates.models import Certificate, CertificateKind, CertificateStatus, CreditType
from courses.models import (
    Course,
    Enrollment,
    EvaluationItem,
    EvaluationKind,
    EvaluationResponse,
    Module,
    ModuleProgress,
)
from library.models import ResourceDownload
from reports.period import Period

FUNNEL_STAGES = [
    ("enrolled", "Enrolled"),
    ("acknowledged", "Disclosures acknowledged"),
    ("modules_complete", "All modules complete"),
    ("passed", "Post-test passed"),
    ("evaluated", "Evaluation done"),
    ("claimed", "Credit claimed"),
    ("certified", "Certificate ready"),
]

# The evaluation item whose answers tell whether learners perceived commercial bias.
BIAS_ITEM_CODE = "free_of_commercial_bias"
# "The content was free of commercial bias": strongly disagree (1) or disagree (2) means the
# learner perceived bias. Neutral (3) is not counted as perceiving it; it stays visible in
# the item's distribution.
BIAS_PERCEIVED_VALUES = (1, 2)
LIKERT_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}
NOT_GIVEN = "Not given"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    share_of_enrolled: float | None
    conversion: float | None  # from the step before


@dataclass
class Funnel:
    label: str
    counts: dict[str, int]
    course_slug: str = ""
    bias_answered: int = 0
    bias_perceived: int = 0

    @property
    def steps(self) -> list[FunnelStep]:
        steps, previous = [], None
        for key, label in FUNNEL_STAGES:
            count = self.counts[key]
            steps.append(
                FunnelStep(
                    key=key,
                    label=label,
                    count=count,
                    share_of_enrolled=_share(count, self.counts["enrolled"]),
                    conversion=None if previous is None else _share(count, previous),
                )
            )
            previous = count
        return steps

    @property
    def bias_share(self) -> float | None:
        return _share(self.bias_perceived, self.bias_answered)


def _all_modules_complete() -> Q:
    """Enrollments with a progress row for every module of their course.

    Counted once over the progress table (per enrollment, against each course's module
    count) rather than checked per enrollment: on 60,000 enrollments that is 0.05 s
    instead of 0.7 s (docs/benchmarks.md). Progress rows exist only for the course's own
    modules, one per module, so "as many as the course has" means "all of them".
    """
    modules_per_course = dict(
        Module.objects.order_by().values("course_id").annotate(total=Count("pk")).values_list("course_id", "total")
    )
    if not modules_per_course:
        return Q(disclosures_acknowledged_at__isnull=False)
    course_total = Case(
        *[When(enrollment__course_id=course_id, then=Value(total)) for course_id, total in modules_per_course.items()],
        default=Value(0),
    )
    complete = (
        ModuleProgress.objects.order_by()
        .values("enrollment_id")
        .annotate(done=Count("pk"), total=course_total)
        .filter(done__gte=F("total"))
        .values("enrollment_id")
    )
    # A course without modules has nothing to complete once its disclosures are acknowledged.
    return Q(pk__in=complete) | (
        Q(disclosures_acknowledged_at__isnull=False) & ~Q(course_id__in=list(modules_per_course))
    )


def enrollment_funnels(*, period: Period) -> tuple[list[Funnel], Funnel]:
    """(one funnel per course, the funnel across courses) for enrollments begun in the period.

    Each step counts the enrollments that have reached it; the learner path only lets a step
    be reached after the one before, so the counts fall from left to right.
    """
    rows = (
        Enrollment.objects.filter(**period.moment_filter("enrolled_at"))
        .values("course_id")
        .annotate(
            title=F("course__title"),
            slug=F("course__slug"),
            enrolled=Count("pk"),
            acknowledged=Count("pk", filter=Q(disclosures_acknowledged_at__isnull=False)),
            modules_complete=Count("pk", filter=_all_modules_complete()),
            passed=Count("pk", filter=Q(post_test_passed_at__isnull=False)),
            evaluated=Count("pk", filter=Q(evaluation_submitted_at__isnull=False)),
            claimed=Count("pk", filter=Q(credit_claim__isnull=False)),
            certified=Count("pk", filter=Q(certificate__status=CertificateStatus.READY)),
        )
        .order_by("title")
    )
    bias = {
        row["item__course_id"]: row
        for row in EvaluationResponse.objects.filter(
            item__code=BIAS_ITEM_CODE, likert_value__isnull=False, **period.moment_filter("submitted_at")
        )
        .values("item__course_id")
        .annotate(answered=Count("pk"), perceived=Count("pk", filter=Q(likert_value__in=BIAS_PERCEIVED_VALUES)))
    }
    funnels = []
    for row in rows:
        counts = {key: row[key] for key, _ in FUNNEL_STAGES}
        answers = bias.get(row["course_id"], {})
        funnels.append(
            Funnel(
                label=row["title"],
                course_slug=row["slug"],
                counts=counts,
                bias_answered=answers.get("answered", 0),
                bias_perceived=answers.get("perceived", 0),
            )
        )
    total = Funnel(
        label="All courses",
        counts={key: sum(funnel.counts[key] for funnel in funnels) for key, _ in FUNNEL_STAGES},
        bias_answered=sum(funnel.bias_answered for funnel in funnels),
        bias_perceived=sum(funnel.bias_perceived for funnel in funnels),
    )
    return funnels, total


@dataclass(frozen=True)
class MonthCredits:
    month: date
    certificates: int
    physician_credits: Decimal
    participation_credits: Decimal

    @property
    def total_credits(self) -> Decimal:
        return self.physician_credits + self.participation_credits


def credits_by_month(*, period: Period) -> list[MonthCredits]:
    """Credits on certificates issued (and not revoked) per month, with empty months filled in."""
    rows = (
        Certificate.objects.filter(
            kind=CertificateKind.CME_CREDIT, status=CertificateStatus.READY, **period.moment_filter("issued_at")
        )
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        .annotate(
            certificates=Count("pk"),
            physician=Sum("credits", filter=Q(credit_type=CreditType.AMA_PRA_CATEGORY_1)),
            participation=Sum("credits", filter=Q(credit_type=CreditType.PARTICIPATION)),
        )
        .order_by("month")
    )
    by_month = {_month_start(row["month"]): row for row in rows}
    if not by_month:
        return []
    months = []
    month, last = min(by_month), max(by_month)
    while month <= last:
        row = by_month.get(month, {})
        months.append(
            MonthCredits(
                month=month,
                certificates=row.get("certificates", 0),
                physician_credits=row.get("physician") or Decimal(0),
                participation_credits=row.get("participation") or Decimal(0),
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _month_start(value) -> date:
    return date(value.year, value.month, 1)


@dataclass(frozen=True)
class LearnerGroup:
    label: str
    learners: int


@dataclass(frozen=True)
class LearnerGroups:
    professions: list[LearnerGroup]
    institutions: list[LearnerGroup]


def _learners(period: Period):
    """People with an enrollment begun in the period, each once: grouping 10,000 people is
    cheaper than counting distinct people across 60,000 enrollments."""
    enrolled = Enrollment.objects.filter(user_id=OuterRef("pk"), **period.moment_filter("enrolled_at"))
    return get_user_model().objects.filter(Exists(enrolled)).order_by()


def learner_groups(*, period: Period, institutions: int = 10) -> LearnerGroups:
    """Learners by profession, and by institution: the largest ones, spelled as most of
    their learners spell them, then the rest together.

    Institution is free text, so "Lakeside SOM" and " lakeside som" are counted together.
    """
    labels = dict(Profession.choices)
    professions = [
        LearnerGroup(label=labels.get(row["profession"]) or NOT_GIVEN, learners=row["learners"])
        for row in _learners(period)
        .values(profession=F("profile__profession"))
        .annotate(learners=Count("pk"))
        .order_by("-learners", "profession")
    ]
    largest = [
        LearnerGroup(label=(row["label"] or "").strip() or NOT_GIVEN, learners=row["learners"])
        for row in _learners(period)
        .values(key=Lower(Trim("profile__institution")))
        .annotate(label=Max("profile__institution"), learners=Count("pk"))
        .order_by("-learners", "key")[:institutions]
    ]
    # Everyone has exactly one profession value (or none), so the professions add up to everyone.
    others = sum(group.learners for group in professions) - sum(group.learners for group in largest)
    if others > 0:
        largest.append(LearnerGroup(label="All other institutions", learners=others))
    return LearnerGroups(professions=professions, institutions=largest)


@dataclass(frozen=True)
class ResourceDownloads:
    title: str
    downloads: int
    learners: int


def resource_downloads(*, period: Period) -> list[ResourceDownloads]:
    rows = (
        ResourceDownload.objects.filter(**period.moment_filter("downloaded_at"))
        .values("resource_id")
        .annotate(title=F("resource__title"), downloads=Count("pk"), learners=Count("user_id", distinct=True))
        .order_by("-downloads", "title")
    )
    return [ResourceDownloads(title=row["title"], downloads=row["downloads"], learners=row["learners"]) for row in rows]


def recent_resource_downloads(*, period: Period, limit: int = 20):
    return (
        ResourceDownload.objects.filter(**period.moment_filter("downloaded_at"))
        .select_related("resource", "user")
        .order_by("-downloaded_at", "-id")[:limit]
    )


# --- Evaluation summary -------------------------------------------------------------


@dataclass
class LikertDistribution:
    item: EvaluationItem
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LIKERT_LABELS, 0))

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        return _share(sum(value * count for value, count in self.counts.items()), self.answered)

    @property
    def rows(self) -> list[tuple[int, str, int, float | None]]:
        return [
            (value, LIKERT_LABELS[value], self.counts[value], _share(self.counts[value], self.answered))
            for value in LIKERT_LABELS
        ]

    @property
    def is_bias_item(self) -> bool:
        return self.item.code == BIAS_ITEM_CODE

    @property
    def perceived_bias(self) -> int:
        return sum(self.counts[value] for value in BIAS_PERCEIVED_VALUES)

    @property
    def bias_share(self) -> float | None:
        return _share(self.perceived_bias, self.answered)


@dataclass
class TextAnswers:
    item: EvaluationItem
    answers: list[EvaluationResponse] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class EvaluationSummary:
    respondents: int
    likert: list[LikertDistribution]
    text: list[TextAnswers]

    @property
    def bias(self) -> LikertDistribution | None:
        return next((item for item in self.likert if item.is_bias_item), None)


def evaluation_summary(*, course: Course, period: Period, answers_per_item: int = 50) -> EvaluationSummary:
    """Likert distributions, the commercial-bias share and the newest free-text answers."""
    responses = EvaluationResponse.objects.filter(item__course=course, **period.moment_filter("submitted_at"))
    items = list(EvaluationItem.objects.filter(course=course).order_by("order", "id"))
    likert = {item.id: LikertDistribution(item=item) for item in items if item.kind == EvaluationKind.LIKERT}
    text = {item.id: TextAnswers(item=item) for item in items if item.kind == EvaluationKind.TEXT}
    for row in (
        responses.filter(likert_value__isnull=False)
        .values("item_id", "likert_value")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if row["item_id"] in likert:
            likert[row["item_id"]].counts[row["likert_value"]] = row["count"]
    answered_text = responses.filter(item__kind=EvaluationKind.TEXT).exclude(text="")
    for row in answered_text.values("item_id").annotate(count=Count("pk")).order_by():
        text[row["item_id"]].total = row["count"]
    newest = (
        answered_text.annotate(
            rank=Window(RowNumber(), partition_by=[F("item_id")], order_by=[F("submitted_at").desc(), F("pk").desc()])
        )
        .filter(rank__lte=answers_per_item)
        .order_by("item_id", "rank")
    )
    for response in newest:
        text[response.item_id].answers.append(response)
    respondents = responses.values("enrollment_id").distinct().count()
    return EvaluationSummary(respondents=respondents, likert=list(likert.values()), text=list(text.values()))
