"""The staff directory (personalkatalog) and covers during absence (ersättare)."""
from datetime import date
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import responsibility
from services.registry.domain import staff as rules
from services.registry.domain.staff import StaffEntry
from services.registry.store import staff as store
from shared import errors
from shared.access.policy import Grant
from shared.etag import ensure_current, etag
from shared.events.catalog import CoverEnded, CoverGranted, StaffChanged
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


async def put_staff(uow: UnitOfWork, by: str, subject: str, entry: StaffEntry,
                    if_match: str | None = None) -> tuple[Record, bool]:
    """Create or replace the member's entry; `staff.changed` when anything changed. Returns the
    entry and whether it is new. With `if_match`, only the entry as read: 412 `etag_mismatch`
    when it changed since, or when there is no entry to match."""
    async with uow:
        existing = await store.get(uow.conn, subject, for_update=True)
        if if_match is not None and existing is None:
            raise errors.precondition_failed("etag_mismatch", "There is no entry to match",
                                             f"{subject} is not in the directory; leave If-Match out to add it")
        if existing is not None:
            ensure_current(if_match, etag(existing["revision"]))
        known = entry.supervisor is None or await store.get(uow.conn, entry.supervisor) is not None
        checked = rules.check_entry(subject, entry, supervisor_known=known)
        if checked.same_as(existing):
            return existing, False
        row = await store.upsert(uow.conn, subject=subject, name=checked.name, title=checked.title,
                                 unit=checked.unit, email=checked.email, supervisor=checked.supervisor,
                                 delegation_level=checked.delegation_level, active_from=checked.active_from,
                                 active_to=checked.active_to, changed_by=by, changed_at=uow.now())
        uow.publish(StaffChanged(**{k: row[k] for k in StaffChanged.model_fields}), key=subject,
                    subject=f"staff/{subject}")
        return row, existing is None


def not_found(subject: str) -> errors.DomainError:
    return errors.not_found("staff_not_found", "No such member of staff in the directory", subject)


async def get_staff(uow: UnitOfWork, subject: str) -> Record:
    async with uow:
        row = await store.get(uow.conn, subject)
    if row is None:
        raise not_found(subject)
    return row


async def list_staff(uow: UnitOfWork, *, unit: str | None, limit: int, cursor: str | None) -> Listed:
    start = decode_cursor(cursor, str)
    async with uow:
        rows = await store.listed(uow.conn, unit=unit, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["subject"],))


async def names(uow: UnitOfWork, subjects) -> dict[str, Record]:
    """The directory's entries of these subjects (in an open unit of work)."""
    return await store.of_subjects(uow.conn, subjects)


async def ensure_may_be_responsible(uow: UnitOfWork, caseworker: str, unit: str) -> None:
    """`caseworker` may be made responsible for work of `unit` (in an open unit of work): a member
    of the unit active today, or any subject while the directory has no one in the unit."""
    member, unit_in_directory = await store.member_of(uow.conn, caseworker, unit)
    responsibility.ensure_may_be_responsible(caseworker, member, unit=unit, unit_in_directory=unit_in_directory,
                                             today=uow.today())


# Covers

async def grant_cover(uow: UnitOfWork, user: Grant, *, absent: str, cover: str, from_date: date,
                      to_date: date) -> Record:
    """`cover` stands in for `absent` over the period, granted by a supervisor of their unit."""
    async with uow:
        absent_row = await store.get(uow.conn, absent)
        if absent_row is not None:
            user.ensure_unit(absent_row["unit"])
        unit = rules.check_cover(absent=absent, cover=cover, absent_row=absent_row,
                                 cover_row=await store.get(uow.conn, cover), from_date=from_date,
                                 to_date=to_date, today=uow.today())
        row = await store.insert_cover(uow.conn, cover_id=uuid7(), unit=unit, absent=absent, cover=cover,
                                       from_date=from_date, to_date=to_date, granted_by=user.sub,
                                       granted_at=uow.now())
        uow.publish(CoverGranted(cover_id=row["id"], unit=unit, absent=absent, cover=cover, from_date=from_date,
                                 to_date=to_date, granted_by=user.sub, granted_at=row["granted_at"]),
                    key=absent, subject=f"cover/{row['id']}")
        return row


async def _cover(uow: UnitOfWork, user: Grant, cover_id: UUID, *, for_update: bool = False) -> Record:
    """The cover, if in a unit the user sees (in an open unit of work); 404 `cover_not_found` otherwise."""
    row = await store.get_cover(uow.conn, cover_id, for_update=for_update)
    if row is None or not user.sees_unit(row["unit"]):
        raise errors.not_found("cover_not_found", "No such cover in your unit", str(cover_id))
    return row


async def get_cover(uow: UnitOfWork, user: Grant, cover_id: UUID) -> Record:
    async with uow:
        return await _cover(uow, user, cover_id)


async def end_cover(uow: UnitOfWork, user: Grant, cover_id: UUID, *, if_match: str | None = None) -> Record:
    """End a cover before its time (the absent member is back): it no longer holds from today.
    With `if_match`, only the cover as read: 412 `etag_mismatch` when it changed since."""
    today = uow.today()
    async with uow:
        row = await _cover(uow, user, cover_id, for_update=True)
        ensure_current(if_match, etag(row["revision"]))
        rules.check_end(ended_on=row["ended_on"], to_date=row["to_date"], today=today)
        row = await store.end_cover(uow.conn, cover_id, ended_on=today, ended_by=user.sub, ended_at=uow.now())
        uow.publish(CoverEnded(cover_id=cover_id, unit=row["unit"], absent=row["absent"], cover=row["cover"],
                               ended_on=today, ended_by=user.sub), key=row["absent"], subject=f"cover/{cover_id}")
        return row


async def list_covers(uow: UnitOfWork, user: Grant, *, unit: str | None, active_on: date | None, limit: int,
                      cursor: str | None) -> Listed:
    """The covers of a unit (the user's own when not wide), by start."""
    if unit is not None:
        user.ensure_unit(unit)
    else:
        unit = user.unit_filter()
    start = decode_cursor(cursor, date, UUID)
    async with uow:
        rows = await store.covers(uow.conn, unit=unit, active_on=active_on, after=start, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["from_date"], r["id"]))
