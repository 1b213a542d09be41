"""The watch list (bevakningslistan), one watch, and resolving a watch by hand. A watch's
`revision` (raised by every change of its row) is its ETag's number: a resolution sent with
`if_match` is taken only for the version read (412 etag_mismatch otherwise)."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from services.watch.domain import access, events
from services.watch.domain.rules import Kind
from services.watch.domain.watches import KindCount, ensure_open, list_key, position_after, resolution_comment
from services.watch.store import staff as staff_store
from services.watch.store import watches as store
from shared import errors
from shared.access import Grant
from shared.etag import ensure_current, etag
from shared.pagination import page_of
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WatchList:
    today: date
    counts: dict[Kind, KindCount]   # every open watch in the list, not only this page's
    items: list[asyncpg.Record]     # most urgent first
    next_cursor: str | None

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.counts.values())


async def list_watches(uow: UnitOfWork, user: Grant, *, assignee: str | None, unit: str | None,
                       kind: Kind | None, limit: int, cursor: str | None) -> WatchList:
    """Open watches in the user's scope, most urgent first, a page at a time."""
    after = position_after(cursor)
    async with uow.reading():
        today = uow.today()
        scope = access.list_scope(user, assignee=assignee, unit=unit, covering=await _covering(uow, user, today))
        rows, counted = await store.list_open(uow.conn, scope, today=today, kind=kind, limit=limit + 1, after=after)
    counts = {Kind(c["kind"]): KindCount(open=c["open"], overdue=c["overdue"]) for c in counted}
    items, next_cursor = page_of(rows, limit, list_key)
    return WatchList(today=today, counts=counts, items=items, next_cursor=next_cursor)


async def get_watch(uow: UnitOfWork, user: Grant, watch_id: UUID) -> tuple[asyncpg.Record, date]:
    """One watch, open or resolved, and today; for whoever may resolve it."""
    async with uow.reading():
        watch = await _watch(uow, user, watch_id)
        return watch, uow.today()


async def resolve_watch(uow: UnitOfWork, user: Grant, watch_id: UUID, *, comment: str | None,
                        if_match: str | None = None) -> asyncpg.Record:
    """The assignee, or a supervisor of the unit, marks an open watch as dealt with (åtgärdad);
    with `if_match`, only the version of the watch it names."""
    async with uow:
        watch = await _watch(uow, user, watch_id, for_update=True)
        ensure_current(if_match, etag(watch["revision"]))
        ensure_open(watch)
        row = await store.resolve_one(uow.conn, watch_id=watch_id, at=uow.now(), by=user.sub,
                                      comment=resolution_comment(comment))
        publish_resolved(uow, [row])
    return row


async def _watch(uow: UnitOfWork, user: Grant, watch_id: UUID, *, for_update: bool = False) -> asyncpg.Record:
    """The watch, if the user may resolve it: its assignee, their cover today, or a supervisor of its unit."""
    watch = await store.get(uow.conn, watch_id, for_update=for_update)
    if watch is None:
        raise errors.not_found("watch_not_found", "No such watch", str(watch_id))
    access.ensure_may_resolve(user, assignee=watch["assignee"], unit=watch["unit"],
                              covering=await _covering(uow, user, uow.today()), role=watch["role"])
    return watch


async def _covering(uow: UnitOfWork, user: Grant, today: date) -> tuple[str, ...]:
    """Whom the user covers today. Like every watch list, a cover's reading of the absent member's
    watches is not a logged read of person data: watches name cases and orders by id only."""
    return access.covering_today(await staff_store.covers_held_by(uow.conn, user.sub), today)


def publish_resolved(uow: UnitOfWork, rows: Sequence[asyncpg.Record]) -> None:
    """watch.resolved for each watch just resolved, when the work commits."""
    for row in rows:
        event = events.resolved(row)
        key, subject = events.key_of(event)
        uow.publish(event, key=key, subject=subject)
