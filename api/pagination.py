"""Cursor pagination over a (timestamp, id) key.

Offset pages shift when rows are inserted while a client pages through them: rows are
skipped or seen twice. Here the cursor is the position of the last row returned, and the
next page starts strictly after it in (timestamp, id) order, so rows inserted meanwhile
are neither skipped nor repeated; a client that keeps the last cursor and asks again
later receives only what happened since.

A cursor is signed with the site's secret key and salted with the endpoint it came from:
a cursor made up by hand, altered, or taken from another list is refused, as the docs
promise, rather than read as a position. It stays opaque and URL-safe (base64url with a
"." before the signature). Rotating SECRET_KEY (without keeping the old one in
SECRET_KEY_FALLBACKS) makes clients start again without a cursor.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

MAX_ID = 2**63 - 1  # a BIGINT primary key; anything larger cannot be a row of ours


class InvalidCursor(Exception):
    message = (
        "The cursor is not one this endpoint returned (altered, made up, or from another list). "
        "Start again without a cursor."
    )


@dataclass(frozen=True)
class Position:
    at: datetime
    pk: int


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None
    has_more: bool


def _signer(endpoint: str) -> signing.Signer:
    # "." is outside base64url's alphabet, so the cursor needs no escaping in a query string.
    return signing.Signer(salt=f"api.cursor.{endpoint}", sep=".")


def cursor_encode(position: Position, *, endpoint: str) -> str:
    return _signer(endpoint).sign_object([position.at.isoformat(), position.pk])


def cursor_decode(cursor: str, *, endpoint: str) -> Position:
    try:
        at_text, pk = _signer(endpoint).unsign_object(cursor)
        at = datetime.fromisoformat(at_text)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor from error
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_ID or timezone.is_naive(at):
        raise InvalidCursor
    return Position(at=at, pk=pk)


def page_after(queryset: QuerySet, *, endpoint: str, time_field: str, cursor: str | None, limit: int) -> Page:
    """The next `limit` rows after the cursor in (time_field, id) order; `endpoint` names the
    list, so only cursors issued by that same list are accepted."""
    queryset = queryset.order_by(time_field, "pk")
    start = cursor_decode(cursor, endpoint=endpoint) if cursor else None
    if start:
        queryset = queryset.filter(
            Q(**{f"{time_field}__gt": start.at}) | Q(**{time_field: start.at, "pk__gt": start.pk})
        )
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        next_cursor = cursor_encode(Position(at=getattr(rows[-1], time_field), pk=rows[-1].pk), endpoint=endpoint)
    else:
        # Nothing new: hand the same position back, so polling can simply go on.
        next_cursor = cursor
    return Page(items=rows, next_cursor=next_cursor, has_more=has_more)
