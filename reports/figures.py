"""The report pages' charts, drawn from the selectors' results (see `reports.charts`)."""

from django.utils.safestring import SafeString

from reports import charts
from reports.item_analysis import TOO_EASY_ABOVE, TOO_HARD_BELOW, ItemAnalysis
from reports.selectors import LIKERT_LABELS, Funnel, LearnerGroup, LikertDistribution, MonthCredits


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def funnel_chart(funnel: Funnel, *, chart_id: str = "funnel-chart") -> SafeString:
    steps = funnel.steps
    summary = ", ".join(f"{step.label} {step.count}" for step in steps)
    return charts.horizontal_bars(
        chart_id=chart_id,
        title=f"Learner funnel, {funnel.label.lower()}",
        description=f"Enrollments reaching each step: {summary}.",
        bars=[(step.label, step.count) for step in steps],
    )


def credits_chart(months: list[MonthCredits]) -> SafeString:
    summary = ", ".join(f"{month.month:%b %Y} {month.total_credits:g}" for month in months)
    return charts.stacked_columns(
        chart_id="credits-chart",
        title="Credits issued per month",
        description=f"Credits on certificates issued each month: {summary}.",
        categories=[f"{month.month:%b %y}" for month in months],
        series=[
            ("AMA PRA Category 1 Credit™", [month.physician_credits for month in months]),
            ("Participation", [month.participation_credits for month in months]),
        ],
    )


def groups_chart(groups: list[LearnerGroup], *, chart_id: str, title: str) -> SafeString:
    summary = ", ".join(f"{group.label} {group.learners}" for group in groups)
    return charts.horizontal_bars(
        chart_id=chart_id,
        title=title,
        description=f"Learners: {summary}.",
        bars=[(group.label, group.learners) for group in groups],
    )


def likert_chart(distributions: list[LikertDistribution]) -> SafeString:
    summary = "; ".join(
        f"{item.item.prompt} " + ", ".join(f"{label} {count}" for _, label, count, _ in item.rows)
        for item in distributions
    )
    return charts.stacked_shares(
        chart_id="likert-chart",
        title="Answers to each agreement item",
        description=f"Share of answers from strongly disagree to strongly agree. {summary}.",
        segment_names=list(LIKERT_LABELS.values()),
        rows=[(item.item.prompt, [item.counts[value] for value in LIKERT_LABELS]) for item in distributions],
    )


def item_map_chart(analysis: ItemAnalysis) -> SafeString:
    points = [
        (str(item.number), item.difficulty, item.point_biserial)
        for item in analysis.items
        if item.difficulty is not None and item.point_biserial is not None
    ]
    summary = ", ".join(f"question {label}: difficulty {_percent(x)}, discrimination {y:.2f}" for label, x, y in points)
    return charts.scatter(
        chart_id="item-map",
        title="Question difficulty against discrimination",
        description=(
            "Each numbered circle is a question. Left of the first line: too hard; right of the second: "
            f"too easy; below the middle line: negative discrimination. {summary}."
        ),
        points=points,
        x_name="Difficulty (share correct)",
        y_name="Discrimination (r)",
        x_guides=(TOO_HARD_BELOW, TOO_EASY_ABOVE),
        y_guides=(0,),
    )
