"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing for the CSP to allow.

Each chart is an image with a title and a description (role="img", aria-labelledby), and
every template puts the same numbers in a table beside it, which is what screen readers
and anyone who needs exact values use. Colours come from classes in docere.css, so the
charts follow the site's palette and its contrast checks.
"""

import math
from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 210
BAR_HEIGHT = 24
BAR_GAP = 10
FONT_SIZE = 13
MAX_LABEL_CHARACTERS = 30


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARACTERS else label[: MAX_LABEL_CHARACTERS - 1] + "…"


def _at(value: float) -> str:
    """A coordinate: format_html escapes its arguments to text, so numbers are formatted first."""
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _svg(*, chart_id: str, height: int, title: str, description: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        'font-size="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        font=FONT_SIZE,
        title=title,
        desc=description,
        body=body,
    )


def _legend(names: Sequence[str], *, x: float, y: float, css: str) -> SafeString:
    """Swatches and names in a row, each placed after the one before by its text's length."""
    items = []
    for number, name in enumerate(names, start=1):
        items.append((_at(x), y, css, number, _at(x + 16), y + 11, name))
        x += 16 + len(name) * FONT_SIZE * 0.6 + 14
    return format_html_join(
        "",
        (
            '<rect x="{}" y="{}" width="12" height="12" class="{}-{}"></rect>'
            '<text x="{}" y="{}" class="chart-label">{}</text>'
        ),
        items,
    )


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    value_text: Callable[[float], str] = _number,
) -> SafeString:
    """One bar per (label, value), longest value the full width."""
    largest = max((float(value) for _, value in bars), default=0) or 1
    track = WIDTH - LABEL_WIDTH - 70
    rows = []
    for index, (label, value) in enumerate(bars):
        y = index * (BAR_HEIGHT + BAR_GAP)
        length = max(float(value) / largest * track, 0)
        rows.append(
            format_html(
                '<g class="chart-row"><title>{label}: {text}</title>'
                '<text x="{lx}" y="{ty}" text-anchor="end" class="chart-label">{short}</text>'
                '<rect x="{bx}" y="{y}" width="{len}" height="{h}" class="chart-bar"></rect>'
                '<text x="{vx}" y="{ty}" class="chart-value">{text}</text></g>',
                label=label,
                short=_short(label),
                text=value_text(value),
                lx=LABEL_WIDTH - 8,
                ty=_at(y + BAR_HEIGHT * 0.7),
                bx=LABEL_WIDTH,
                y=y,
                len=_at(length),
                h=BAR_HEIGHT,
                vx=_at(LABEL_WIDTH + length + 6),
            )
        )
    height = max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP)
    return _svg(chart_id=chart_id, height=height, title=title, description=description, body=mark_safe("".join(rows)))  # noqa: S308 — every piece was built by format_html


def stacked_columns(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> SafeString:
    """Columns per category with the series stacked, a legend above and the total on top."""
    top, bottom, left = 40, 28, 8
    plot_height = 200
    totals = [sum(float(values[index]) for _, values in series) for index in range(len(categories))]
    largest = max(totals, default=0) or 1
    slot = (WIDTH - left * 2) / max(len(categories), 1)
    column = min(slot * 0.7, 48)
    label_every = math.ceil(len(categories) / 12) or 1
    parts = [_legend([name for name, _ in series], x=left, y=8, css="chart-series")]
    for index, category in enumerate(categories):
        x = left + index * slot + (slot - column) / 2
        base = top + plot_height
        for number, (name, values) in enumerate(series, start=1):
            height = float(values[index]) / largest * plot_height
            base -= height
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" class="chart-series-{n}">'
                    "<title>{category}, {name}: {value}</title></rect>",
                    x=_at(x),
                    y=_at(base),
                    w=_at(column),
                    h=_at(height),
                    n=number,
                    category=category,
                    name=name,
                    value=_number(values[index]),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="chart-value">{}</text>',
                _at(x + column / 2),
                _at(base - 4),
                _number(totals[index]),
            )
        )
        # Beyond a year of columns, every other month is named; the table names them all.
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>',
                    _at(x + column / 2),
                    top + plot_height + 18,
                    category,
                )
            )
    return _svg(
        chart_id=chart_id,
        height=top + plot_height + bottom,
        title=title,
        description=description,
        body=mark_safe("".join(parts)),  # noqa: S308 — every piece was built by format_html
    )


def stacked_shares(
    *,
    chart_id: str,
    title: str,
    description: str,
    segment_names: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """One 100 % bar per row, split into segments (for example the five Likert answers)."""
    track = WIDTH - LABEL_WIDTH - 10
    parts = [_legend(segment_names, x=8, y=4, css="chart-segment")]
    for row_index, (label, counts) in enumerate(rows):
        y = 28 + row_index * (BAR_HEIGHT + BAR_GAP)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>',
                LABEL_WIDTH - 8,
                _at(y + BAR_HEIGHT * 0.7),
                _short(label),
            )
        )
        whole = sum(counts)
        x = float(LABEL_WIDTH)
        for number, count in enumerate(counts, start=1):
            width = count / whole * track if whole else 0
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" class="chart-segment-{n}">'
                    "<title>{label}, {name}: {count}</title></rect>",
                    x=_at(x),
                    y=y,
                    w=_at(width),
                    h=BAR_HEIGHT,
                    n=number,
                    label=label,
                    name=segment_names[number - 1],
                    count=count,
                )
            )
            x += width
    height = 28 + max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP)
    return _svg(chart_id=chart_id, height=height, title=title, description=description, body=mark_safe("".join(parts)))  # noqa: S308 — every piece was built by format_html


def scatter(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, float, float]],
    x_name: str,
    y_name: str,
    x_guides: Sequence[float] = (),
    y_guides: Sequence[float] = (),
) -> SafeString:
    """Labelled points on x in 0–1 and y in −1–1 (difficulty against discrimination)."""
    left, top, plot_width, plot_height = 48, 12, WIDTH - 70, 260

    def px(x: float) -> float:
        return left + x * plot_width

    def py(y: float) -> float:
        return top + (1 - (y + 1) / 2) * plot_height

    parts = [
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="chart-frame"></rect>'
            '<line x1="{}" y1="{y0}" x2="{}" y2="{y0}" class="chart-axis"></line>'
            '<text x="{cx}" y="{by}" text-anchor="middle" class="chart-label">{x_name}</text>'
            '<text x="12" y="{cy}" text-anchor="middle" transform="rotate(-90 12 {cy})" '
            'class="chart-label">{y_name}</text>',
            left,
            top,
            plot_width,
            plot_height,
            left,
            left + plot_width,
            y0=_at(py(0)),
            cx=_at(left + plot_width / 2),
            by=top + plot_height + 30,
            cy=_at(top + plot_height / 2),
            x_name=x_name,
            y_name=y_name,
        )
    ]
    for value in (0, 0.5, 1):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="chart-tick">{}</text>',
                _at(px(value)),
                top + plot_height + 14,
                value,
            )
        )
    for value in (-1, 0, 1):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-tick">{}</text>',
                left - 4,
                _at(py(value) + 4),
                value,
            )
        )
    for value in x_guides:
        parts.append(
            format_html(
                '<line x1="{x}" y1="{}" x2="{x}" y2="{}" class="chart-guide"></line>',
                top,
                top + plot_height,
                x=_at(px(value)),
            )
        )
    for value in y_guides:
        parts.append(
            format_html(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" class="chart-guide"></line>',
                left,
                left + plot_width,
                y=_at(py(value)),
            )
        )
    for label, x, y in points:
        parts.append(
            format_html(
                '<g class="chart-point"><title>{label}: {x_name} {x}, {y_name} {y}</title>'
                '<circle cx="{cx}" cy="{cy}" r="11"></circle>'
                '<text x="{cx}" y="{ty}" text-anchor="middle">{label}</text></g>',
                label=label,
                x_name=x_name,
                y_name=y_name,
                x=f"{x:.2f}",
                y=f"{y:.2f}",
                cx=_at(px(x)),
                cy=_at(py(y)),
                ty=_at(py(y) + 4),
            )
        )
    return _svg(
        chart_id=chart_id,
        height=top + plot_height + 40,
        title=title,
        description=description,
        body=mark_safe("".join(parts)),  # noqa: S308 — every piece was built by format_html
    )
