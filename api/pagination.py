"""Cursor pagination over a (timestamp, id) key.

Offset pages shift when rows are inserted while a client pages through them: rows are
skipped or seen twice. Here the cursor is the position of the last row returned, and the
next page starts strictly after it in (timestamp, id) order, so rows inserted meanwhile
are neither skipped nor repeated; a client that keeps the last cursor and asks again
later receives only what happened since.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

MAX_ID = 2**63 - 1  # a BIGINT primary key; anything larger cannot be a row of ours


class InvalidCursor(Exception):
    message = "The cursor is not one this API returned. Start again without a cursor."


@dataclass(frozen=True)
class Position:
    at: datetime
    pk: int


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None
    has_more: bool


def cursor_encode(position: Position) -> str:
    raw = json.dumps([position.at.isoformat(), position.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, pk = json.loads(raw)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise InvalidCursor from error
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_ID or timezone.is_naive(at):
        raise InvalidCursor
    return Position(at=at, pk=pk)


def page_after(queryset: QuerySet, *, time_field: str, cursor: str | None, limit: int) -> Page:
    """The next `limit` rows after the cursor in (time_field, id) order."""
    queryset = queryset.order_by(time_field, "pk")
    start = cursor_decode(cursor) if cursor else None
    if start:
        queryset = queryset.filter(Q(**{f"{time_field}__gt": start.at}) | Q(**{time_field: start.at, "pk__gt": start.pk}))
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        next_cursor = cursor_encode(Position(at=getattr(rows[-1], time_field), pk=rows[-1].pk))
    else:
        # Nothing new: hand the same position back, so polling can simply go on.
        next_cursor = cursor
    return Page(items=rows, next_cursor=next_cursor, has_more=has_more)
