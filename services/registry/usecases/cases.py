"""Cases (ärenden): open, read and close them; support removes and restores them."""
from datetime import date
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import process
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from services.registry.usecases.staff import ensure_may_be_responsible
from shared import errors, idempotency
from shared.access.policy import Grant, policy
from shared.etag import ensure_current, etag
from shared.events.catalog import CaseClosed, CaseOpened, CaseRemoved, CaseRestored
from shared.outbox import Pending
from shared.pagination import Listed, decode_cursor, page_of
from shared.pin import person_ref
from shared.unit_of_work import UnitOfWork

# Removed cases are out of every usual view; who may remove and restore them still sees them.
SEES_REMOVED_CASES = "registry:case.remove"


async def visible_case(uow: UnitOfWork, user: Grant, case_id: UUID, *, for_update: bool = False,
                       if_match: str | None = None, missing: errors.DomainError | None = None) -> Record:
    """The case as the user may see it, in an open unit of work: 404 `case_not_found` (or `missing`,
    for what is read through the case) when the registry has no such case, 403 for another unit's,
    410 when removed and the user may not see removed cases; with `if_match` (and `for_update`),
    412 `etag_mismatch` unless it is the case as the user read it."""
    row = await store.get(uow.conn, case_id, for_update=for_update)
    missing = missing or errors.not_found("case_not_found", "No such case", str(case_id))
    if row is None:
        raise missing
    uow.ensure_unit(user, row["unit"], resource=f"case/{case_id}", person_id=row["person_id"], hidden=missing)
    process.ensure_not_hidden(removed_at=row["removed_at"], removed_by=row["removed_by"],
                              removal_reason=row["removal_reason"],
                              sees_removed=policy().scope_for(user, SEES_REMOVED_CASES) is not None)
    ensure_current(if_match, etag(row["revision"]))
    return row


async def case_to_work_on(uow: UnitOfWork, user: Grant, case_id: UUID, *, if_match: str | None = None) -> Record:
    """The case, locked until the work commits, open and not removed (in an open unit of work);
    with `if_match`, only as the user read it."""
    row = await visible_case(uow, user, case_id, for_update=True, if_match=if_match)
    process.ensure_open(row["status"], removed=row["removed_at"] is not None)
    return row


async def open_case(uow: UnitOfWork, user: Grant, *, unit: str, kind: str, person_id: UUID,
                    opened_on: date | None = None, opened_by: str | None = None,
                    import_ref: str | None = None, caseworker: str | None = None,
                    idempotency_key: str | None = None, request_hash: str | None = None) -> Record | None:
    """Open a case about a registered person in a unit of the user's and publish `case.opened`.
    Opened today by the user, unless an import says when and under which reference. The
    responsible caseworker (ansvarig handläggare) is the opener unless `caseworker` names another
    of the unit (`ensure_may_be_responsible`). None, and nothing published, when the opener's Idempotency-Key is taken
    (open_case_once)."""
    user.ensure_unit(unit)
    # One write, the case with its event in one statement: no transaction of its own.
    async with uow.single_write():
        person = await person_store.get(uow.conn, person_id)
        if person is None:
            raise errors.invalid("person_not_found", "The case's person is not registered", str(person_id))
        if caseworker is not None and caseworker != (opened_by or user.sub):
            await ensure_may_be_responsible(uow, caseworker, unit)
        case_id, opened_on = uuid7(), opened_on or uow.today()
        caseworker = caseworker or opened_by or user.sub
        await uow.flush()   # what the work published before goes out first: the outbox keeps the order recorded
        opened = CaseOpened(case_id=case_id, unit=unit, kind=kind, person_id=person_id, opened_on=opened_on,
                            caseworker=caseworker, person_ref=person_ref(person["pin"], uow.settings.person_ref_key))
        return await store.insert(uow.conn, case_id=case_id, unit=unit, kind=kind, person_id=person_id,
                                  opened_on=opened_on, opened_by=opened_by or user.sub, caseworker=caseworker,
                                  import_ref=import_ref, idempotency_key=idempotency_key, request_hash=request_hash,
                                  outbox=uow.outbox, events=[Pending(opened, str(case_id), f"case/{case_id}")])


async def open_case_once(uow: UnitOfWork, user: Grant, *, key: str | None, unit: str, kind: str,
                         person_id: UUID, caseworker: str | None = None) -> tuple[Record, bool]:
    """Open a case, or, for a retry with the same Idempotency-Key, answer the case the first
    request opened (True: opened now). The same key with another request is refused."""
    if key is None:
        return await open_case(uow, user, unit=unit, kind=kind, person_id=person_id, caseworker=caseworker), True
    request = idempotency.fingerprint({"unit": unit, "kind": kind, "person_id": person_id, "caseworker": caseworker})
    async with uow:
        earlier = await store.by_key(uow.conn, user.sub, key)
        if earlier is None:
            row = await open_case(uow, user, unit=unit, kind=kind, person_id=person_id, caseworker=caseworker,
                                  idempotency_key=key, request_hash=request)
            if row is not None:
                return row, True
            earlier = await store.by_key(uow.conn, user.sub, key)  # a concurrent retry committed first
            if earlier is None:
                raise idempotency.in_progress()
        idempotency.ensure_same_request(earlier["request_hash"], request)
        uow.log_read(user, resource=f"case/{earlier['id']}", person_id=earlier["person_id"])
        return earlier, False


async def read_case(uow: UnitOfWork, user: Grant, case_id: UUID) -> Record:
    async with uow.reading():
        row = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}", person_id=row["person_id"])
    return row


async def close_case(uow: UnitOfWork, user: Grant, case_id: UUID, *, reason: str,
                     if_match: str | None = None) -> Record:
    async with uow:
        await case_to_work_on(uow, user, case_id, if_match=if_match)
        ongoing = await store.ongoing_investigation(uow.conn, case_id)
        process.ensure_can_close(ongoing_investigation=ongoing is not None)
        row = await store.close(uow.conn, case_id, closed_on=uow.today(), closed_by=user.sub, reason=reason)
        uow.publish(CaseClosed(case_id=case_id, closed_on=row["closed_on"], closed_at=uow.now()),
                    key=str(case_id), subject=f"case/{case_id}")
    return row


async def remove_case(uow: UnitOfWork, user: Grant, case_id: UUID, *, reason: str,
                      if_match: str | None = None) -> Record:
    """Support takes a case out of every usual view, with a reason; reversible and kept in its history."""
    return await _set_removed(uow, user, case_id, removed=True, reason=reason, if_match=if_match)


async def restore_case(uow: UnitOfWork, user: Grant, case_id: UUID, *, reason: str,
                       if_match: str | None = None) -> Record:
    return await _set_removed(uow, user, case_id, removed=False, reason=reason, if_match=if_match)


async def _set_removed(uow: UnitOfWork, user: Grant, case_id: UUID, *, removed: bool, reason: str,
                       if_match: str | None) -> Record:
    now = uow.now()
    async with uow:
        case = await visible_case(uow, user, case_id, for_update=True, if_match=if_match)
        was_removed = case["removed_at"] is not None
        if removed:
            process.ensure_can_remove(removed=was_removed)
        else:
            process.ensure_can_restore(removed=was_removed)
        row = await store.set_removed(uow.conn, case_id, removed=removed, reason=reason, by=user.sub, at=now)
        uow.log_read(user, resource=f"case/{case_id}", person_id=case["person_id"],
                     action="remove_case" if removed else "restore_case")
        event = CaseRemoved(case_id=case_id, removed_by=user.sub, removed_at=now) if removed else \
            CaseRestored(case_id=case_id, restored_by=user.sub, restored_at=now)
        uow.publish(event, key=str(case_id), subject=f"case/{case_id}")
    return row


async def list_removals(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int,
                        cursor: str | None) -> Listed:
    """Every removal and restoration of the case, oldest first."""
    start = decode_cursor(cursor, int)
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/removals", person_id=case["person_id"])
        rows = await store.removals(uow.conn, case_id, after=start[0] if start else None, limit=limit + 1)
    return page_of(rows, limit, lambda r: (r["seq"],))
