"""The quarter's report of decisions not carried out (ej verkställda beslut)."""
from services.watch.domain import access
from services.watch.domain.reports import (
    MAX_CANDIDATES,
    Quarter,
    Report,
    ensure_not_too_many,
    oldest_decided_on,
    position_after,
    report,
)
from services.watch.store import decisions as store
from shared.access import Grant
from shared.unit_of_work import UnitOfWork


async def unexecuted_decisions(uow: UnitOfWork, user: Grant, *, quarter: str, unit: str | None, limit: int,
                               cursor: str | None) -> Report:
    """A supervisor's report for their own unit: every line counted, one page of lines shown."""
    q = Quarter.parse(quarter)
    own_unit = access.report_unit(user, unit)
    after = position_after(cursor)
    async with uow:
        rows = await store.report_candidates(uow.conn, unit=own_unit, decided_on_or_before=oldest_decided_on(q),
                                             active_from=q.start, cap=MAX_CANDIDATES + 1)
    ensure_not_too_many(len(rows), own_unit)
    return report(q, own_unit, rows, limit=limit, after=after)
