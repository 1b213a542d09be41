"""The quarter's report of decisions not carried out (ej verkställda beslut), and what it keeps of
interruptions and reasons for delay."""
import csv
import io
from datetime import date
from uuid import UUID

from services.watch.domain import access
from services.watch.domain.reports import (
    CSV_COLUMNS,
    MAX_CANDIDATES,
    Quarter,
    Report,
    SummaryRow,
    council_summary,
    csv_row,
    ensure_not_too_many,
    oldest_decided_on,
    position_after,
    report,
)
from services.watch.store import decisions as store
from shared.access import Grant
from shared.unit_of_work import UnitOfWork


async def _candidates(uow: UnitOfWork, user: Grant, q: Quarter, unit: str | None,
                      law: str | None) -> tuple[str, list]:
    own_unit = access.report_unit(user, unit)
    async with uow:
        rows = await store.report_candidates(uow.conn, unit=own_unit, decided_on_or_before=oldest_decided_on(q),
                                             active_from=q.start, cap=MAX_CANDIDATES + 1)
    ensure_not_too_many(len(rows), own_unit)
    return own_unit, [r for r in rows if law is None or r["law"] == law]


async def unexecuted_decisions(uow: UnitOfWork, user: Grant, *, quarter: str, unit: str | None, limit: int,
                               cursor: str | None, law: str | None = None) -> Report:
    """A supervisor's report for their own unit: every line counted, one page of lines shown."""
    q = Quarter.parse(quarter)
    after = position_after(cursor)
    own_unit, rows = await _candidates(uow, user, q, unit, law)
    return report(q, own_unit, rows, limit=limit, after=after)


async def unexecuted_decisions_csv(uow: UnitOfWork, user: Grant, *, quarter: str, unit: str | None,
                                   law: str | None) -> str:
    """Every line of the quarter's report as CSV (semicolons, for Swedish spreadsheets)."""
    q = Quarter.parse(quarter)
    own_unit, rows = await _candidates(uow, user, q, unit, law)
    lines = report(q, own_unit, rows, limit=MAX_CANDIDATES + 1).lines
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(line) for line in lines)
    return out.getvalue()


async def council_summary_of(uow: UnitOfWork, user: Grant, *, quarter: str,
                             unit: str | None) -> tuple[Quarter, str, list[SummaryRow]]:
    """The quarter's numbers by law, gender and status, for the council and the auditors."""
    q = Quarter.parse(quarter)
    own_unit, rows = await _candidates(uow, user, q, unit, None)
    return q, own_unit, council_summary(q, rows)


async def decision_interrupted(uow: UnitOfWork, decision_id: UUID, *, on: date) -> None:
    """An interruption (avbrott) not resumed within three months enters the report."""
    async with uow:
        await store.mark_interrupted(uow.conn, decision_id=decision_id, on=on)


async def decision_resumed(uow: UnitOfWork, decision_id: UUID, *, on: date) -> None:
    async with uow:
        await store.mark_resumed(uow.conn, decision_id=decision_id, on=on)


async def delay_reason(uow: UnitOfWork, decision_id: UUID, *, code: str, declined_offer_on: date | None) -> None:
    async with uow:
        await store.add_delay_reason(uow.conn, decision_id=decision_id, code=code,
                                     declined_offer_on=declined_offer_on)
