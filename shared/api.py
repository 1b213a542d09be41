"""What every service's routes share: the unit of work (with the process's clock and settings),
the paging parameters and the Idempotency-Key header, as annotated dependencies."""
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query

from shared import idempotency, pagination
from shared.problems import Problem
from shared.service import UnitOfWorkDep  # noqa: F401  (the route's dependencies, in one place)

Limit = Annotated[int, Query(ge=1, le=pagination.MAX_LIMIT, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page")]


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    cursor: str | None


async def _page(limit: Limit = pagination.DEFAULT_LIMIT, cursor: Cursor = None) -> PageParams:
    # A coroutine, not the class itself as the dependency: FastAPI runs a plain callable in a
    # worker thread, a hop to another thread and back on every paged request.
    return PageParams(limit, cursor)


PageDep = Annotated[PageParams, Depends(_page)]

IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=512,
                                      description="The ETag of the version you read; a stale one is refused"
                                                  " with 412 etag_mismatch")]
IdempotencyKey = Annotated[str | None, Header(alias=idempotency.HEADER, max_length=idempotency.MAX_LENGTH,
                                              description="A retry with the same key returns what the first"
                                                          " request made")]


async def _required_key(key: IdempotencyKey = None) -> str:
    if key is None or not key.strip():
        raise Problem(400, "idempotency_key_missing", "An Idempotency-Key header is required",
                      f"send a {idempotency.HEADER} of your choosing, new for each new request; send the same"
                      " again on a retry, so that nothing is made or counted twice")
    return key


# Creates that must never happen twice (a note, a delivery report) require the key.
RequiredIdempotencyKey = Annotated[str, Depends(_required_key)]
