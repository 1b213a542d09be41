"""What every service's routes share: the unit of work, the clock and settings of the process, the
paging parameters and the Idempotency-Key header, as annotated dependencies."""
from typing import Annotated

from fastapi import Depends, Header, Query

from shared import idempotency, pagination
from shared.service import ClockDep, UnitOfWorkDep  # noqa: F401  (the route's dependencies, in one place)

Limit = Annotated[int, Query(ge=1, le=pagination.MAX_LIMIT, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page")]


class PageParams:
    def __init__(self, limit: Limit = pagination.DEFAULT_LIMIT, cursor: Cursor = None):
        self.limit = limit
        self.cursor = cursor


PageDep = Annotated[PageParams, Depends()]

IdempotencyKey = Annotated[str | None, Header(alias=idempotency.HEADER, max_length=idempotency.MAX_LENGTH,
                                              description="A retry with the same key returns what the first"
                                                          " request made")]
