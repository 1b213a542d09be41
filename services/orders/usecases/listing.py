"""A page of a list as a use case finds it: the rows of the page and the cursor of the next one.
The route shapes it into the API's `shared.pagination.Page` of its item model."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.pagination import page_of

T = TypeVar("T")


@dataclass(frozen=True)
class Listed(Generic[T]):
    items: list[T]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: list[T], limit: int, key: Callable[[T], tuple]) -> "Listed[T]":
        """From up to `limit` + 1 rows fetched in the list's order; `key(row)` is its sort key."""
        return cls(*page_of(rows, limit, key))
