"""The caseworker's day: the unit's intake queue, my or the unit's open cases by the deadline at
risk, a person's decisions in force, and the unit's caseload per caseworker. Each page of a list
that shows people's cases is one logged read naming every person on it (as every list of several
persons is: `uow.log_read(person_ids=...)`); the overview holds counts only."""
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from uuid_utils.compat import uuid7

from services.registry.domain import worklists as rules
from services.registry.domain.worklists import Scope
from services.registry.store import worklists as store
from shared import errors
from shared.access.policy import Grant
from shared.pagination import decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Worklist:
    """A page of a worklist as of `today` (the Swedish date its flags are judged by)."""
    today: date
    unit: str | None
    items: list
    next_cursor: str | None


def _unit(user: Grant, asked: str | None) -> str:
    unit = rules.list_unit(asked=asked, own=user.unit)
    user.ensure_unit(unit)   # another unit's list: 403 other_unit, as for any unit the user names
    return unit


async def intake(uow: UnitOfWork, user: Grant, *, unit: str | None, kind: str | None, limit: int,
                 cursor: str | None) -> Worklist:
    """The unit's inquiries not yet assessed and not led to an investigation: reports about a child
    first by their assessment due date, then the others oldest first."""
    unit = _unit(user, unit)
    start = decode_cursor(cursor, int, date, UUID)
    async with uow.reading():
        rows = await store.intake(uow.conn, unit=unit, kind=kind, after=start, limit=limit + 1)
        items, next_cursor = page_of(rows, limit, lambda r: rules.intake_key(
            assessment_due_on=r["assessment_due_on"], received_on=r["received_on"], id=r["id"]))
        uow.log_read(user, resource=f"worklists/intake/{unit}", person_ids=[r["person_id"] for r in items])
    return Worklist(uow.today(), unit, items, next_cursor)


async def cases(uow: UnitOfWork, user: Grant, *, scope: Scope, unit: str | None, caseworker: str | None,
                limit: int, cursor: str | None) -> Worklist:
    """Open cases of the unit, mine (the user's as responsible caseworker) or the unit's (one
    caseworker's when named), by the ongoing investigation's due date (none last), opened_on, id."""
    unit = _unit(user, unit)
    if scope is Scope.MINE:
        if caseworker not in (None, user.sub):
            raise errors.invalid("scope_mine_is_yours", "scope=mine is your own list",
                                 "ask scope=unit with caseworker for a colleague's")
        caseworker = user.sub
    start = decode_cursor(cursor, date, date, UUID)
    async with uow.reading():
        rows = await store.open_cases(uow.conn, unit=unit, caseworker=caseworker, after=start, limit=limit + 1)
        items, next_cursor = page_of(rows, limit, lambda r: rules.case_key(
            ongoing_due_on=r["ongoing_due_on"], opened_on=r["opened_on"], id=r["id"]))
        uow.log_read(user, resource=f"worklists/cases/{unit}", person_ids=[r["person_id"] for r in items])
    return Worklist(uow.today(), unit, items, next_cursor)


async def decisions_in_force(uow: UnitOfWork, user: Grant, person_id: UUID, *, limit: int,
                             cursor: str | None) -> Worklist:
    """The person's decisions valid today (Swedish date) in the cases the user may read, granting
    in whole or part; a removed case's decisions are left out."""
    start = decode_cursor(cursor, date, UUID)
    async with uow.reading():
        today = uow.today()
        read = uow.read_of(user, resource=f"person/{person_id}/decisions-in-force", person_id=person_id)
        # The read files its own access-log entry in its one statement (no entry for no such person).
        rows = await store.decisions_in_force(uow.conn, person_id=person_id, today=today, unit=user.unit_filter(),
                                              after=start, limit=limit + 1,
                                              logged=store.FiledRead(uuid7(), uow.source, read))
        if rows is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
    items, next_cursor = page_of(rows, limit, lambda r: (r["valid_from"], r["id"]))
    return Worklist(today, None, items, next_cursor)


async def unit_overview(uow: UnitOfWork, user: Grant, *, unit: str | None, limit: int,
                        cursor: str | None) -> Worklist:
    """Per responsible caseworker of the unit: open cases and inquiries, deadlines passed and at
    risk (within AT_RISK_DAYS), decisions waiting for approval, and journal notes they have left
    unsigned longer than UNSIGNED_NOTE_DAYS. Counts only, no person."""
    unit = _unit(user, unit)
    start = decode_cursor(cursor, str)
    if start is not None and "\x00" in start[0]:   # no name of ours holds NUL, nor can PostgreSQL's text
        raise errors.invalid("invalid_cursor", "The cursor is not valid",
                             "pass `next_cursor` of the previous page unchanged")
    async with uow.reading():
        today = uow.today()
        rows = await store.unit_overview(uow.conn, unit=unit, today=today,
                                         at_risk_until=today + timedelta(days=rules.AT_RISK_DAYS),
                                         unsigned_before=uow.now() - timedelta(days=rules.UNSIGNED_NOTE_DAYS),
                                         after=start[0] if start else None, limit=limit + 1)
    items, next_cursor = page_of(rows, limit, lambda r: (r["caseworker"],))
    return Worklist(today, unit, items, next_cursor)
