"""CSV files people open in a spreadsheet: the administrators' exports and the learner's transcript.

One home for the two rules every such file follows: a byte-order mark, so Excel reads the
UTF-8 (names with accents, "Credit™") instead of garbling it, and no cell that a
spreadsheet would run as a formula (the rule itself lives in `lms.spreadsheets`).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal

from django.utils import timezone

from lms.spreadsheets import formula_guard

ROWS_PER_WRITE = 250  # rows joined into one piece of the response
BYTE_ORDER_MARK = "\ufeff"  # lets Excel open the UTF-8 file without garbling names


def cell(value, zone: tzinfo | None = None) -> str:
    """One value as CSV text; pass the time zone when formatting many (looking it up costs)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return formula_guard(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(zone or timezone.get_current_timezone()).isoformat(timespec="seconds")
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    return formula_guard(str(value))


def csv_stream(
    *, header: Sequence[str], rows: Iterable[Sequence], on_finish: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Yield a CSV a few hundred rows at a time; `on_finish(row_count)` runs after the last row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow([cell(name) for name in header])
    zone = timezone.get_current_timezone()
    count = 0
    for row in rows:
        writer.writerow([cell(value, zone) for value in row])
        count += 1
        if count % ROWS_PER_WRITE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
    if on_finish is not None:
        on_finish(count)
