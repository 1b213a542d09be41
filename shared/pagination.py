"""One way to page a list: `limit` and an opaque `cursor` in, `items` and `next_cursor` out.

The cursor is the sort key of the last item of the page, encoded so that clients pass it back
unchanged; `next_cursor` is null on the last page. Every list has the same shape and the same
bounds on `limit`. No framework here; shared/api.py has the query parameters.
"""
import base64
import binascii
import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any, Generic, NamedTuple, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared import errors

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


def _page_example(schema: dict, cls: type) -> None:
    """A page of one item: the example of the item's model (Page[NoteOut] shows a NoteOut's)."""
    args = getattr(cls, "__pydantic_generic_metadata__", {}).get("args") or ()
    extra = getattr(args[0], "model_config", {}).get("json_schema_extra") if args else None
    items = extra.get("examples") if isinstance(extra, dict) else None
    if items:
        schema["examples"] = [{"items": items[:1], "next_cursor": None}]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_extra=_page_example)

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


def page_json(items: str, next_cursor: str | None) -> str:
    """A `Page` as JSON text around `items`, a JSON array already written (by the database, as the
    items' model writes them), which is not parsed again."""
    return '{"items":' + items + ',"next_cursor":' + json.dumps(next_cursor) + "}"


def encode_cursor(*key: Any) -> str:
    """The cursor after an item whose sort key is `key` (strings, numbers, UUIDs, dates, times)."""
    def plain(value):
        return value.isoformat() if isinstance(value, (date, datetime)) else \
            str(value) if isinstance(value, UUID) else value
    text = json.dumps([plain(v) for v in key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple | None:
    """The sort key a cursor carries, each part converted to its type; None for the first page.
    A cursor that was not made by `encode_cursor` for this list is 422 `invalid_cursor`."""
    if cursor is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != len(types):
            raise ValueError("wrong number of parts")
        return tuple(_parse(t, p) for t, p in zip(types, parts))
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise errors.invalid("invalid_cursor", "The cursor is not valid",
                             "pass `next_cursor` of the previous page unchanged") from None


def _parse(kind: type, value: Any) -> Any:
    if value is None:
        return None
    if kind is datetime:
        moment = datetime.fromisoformat(value)
        # Only moments the database can hold, with their time zone, can be a key of ours.
        if moment.tzinfo is None or not 1900 <= moment.astimezone(timezone.utc).year <= 9000:
            raise ValueError("not a moment of ours")
        return moment
    if kind is date:
        return date.fromisoformat(value)
    if kind is UUID:
        return UUID(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        if not -2**63 <= value < 2**63:  # what PostgreSQL's bigint holds
            raise ValueError("out of range")
        return value
    if kind in (str, float) and isinstance(value, kind):
        return value
    raise ValueError(f"not a {kind.__name__}")


class Listed(NamedTuple, Generic[T]):
    """A page as a use case finds it (rows, records or domain objects) and the next cursor; the
    route shapes it into a `Page` of its item model."""
    items: list[T]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: list[T], limit: int, key: Callable[[T], tuple]) -> "Listed[T]":
        return page_of(rows, limit, key)


def page_of(rows: list, limit: int, key: Callable[[Any], tuple]) -> Listed:
    """Given up to limit + 1 rows fetched in the list's order, the page and the next cursor.
    `key(row)` is the row's sort key as a tuple."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Listed(rows, encode_cursor(*key(rows[-1])))
    return Listed(rows, None)
