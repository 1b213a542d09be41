"""Persons: register them, read them and look them up by personal identity number. The address
of a person with protected identity (skyddade personuppgifter) is shown only to the holder of an
explicit grant (a supervisor's, for a reason and a time) whose role the policy allows it, in the
grant's unit; each such read is logged with the grant's reason. Opening a case grants nothing."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain.persons import DEFAULT_GRANT_DAYS, ensure_address_grantable, ensure_revocable, valid_pin
from services.registry.store import persons as store
from services.registry.store.access_log import FiledRead
from shared import errors
from shared.access.policy import Grant, checked_action, grant_for
from shared.etag import ensure_current, etag
from shared.pagination import Listed, decode_cursor, page_of
from shared.principal import Principal
from shared.unit_of_work import UnitOfWork

# Family law and support are not in the policy for it: family-law matters (custody, contact)
# are exactly where a protected address must not leak. Even those it lists need a grant.
PROTECTED_ADDRESS = checked_action("registry:person.protected_address.read")


@dataclass(frozen=True)
class PersonView:
    """A person as the user may see them: the row, and whether its address may be shown."""
    record: Record
    address_shown: bool


@dataclass(frozen=True)
class Lookup:
    """A lookup by number: the number as normalized, and the person who has it, if anyone."""
    pin: str
    person: PersonView | None


async def _as_seen_by(uow: UnitOfWork, user: Principal, row: Record) -> PersonView:
    if not row["protected_identity"] or row["street"] is None:
        return PersonView(row, True)
    allowed = grant_for(user, PROTECTED_ADDRESS)
    held = await store.active_address_grant(uow.conn, row["id"], user.sub, uow.now()) if allowed else None
    if held is None or not allowed.sees_unit(held["unit"]):
        return PersonView(row, False)
    uow.log_read(user, resource=f"person/{row['id']}/address", person_id=row["id"], action="read_protected_address",
                 reason=f"grant {held['id']}: {held['reason']}")
    return PersonView(row, True)


async def read_seen(uow: UnitOfWork, user: Principal, row: Record) -> PersonView:
    """A person as the user may see them, the read logged in the same work."""
    uow.log_read(user, resource=f"person/{row['id']}", person_id=row["id"])
    return await _as_seen_by(uow, user, row)


async def register_person(uow: UnitOfWork, user: Principal, *, pin: str, first_name: str, last_name: str,
                          street: str | None = None, postal_code: str | None = None, city: str | None = None,
                          protected_identity: bool = False) -> PersonView:
    """Register a person under a valid number; 409 `person_exists` when someone has it already."""
    number = valid_pin(pin, uow.today())
    async with uow.single_write():   # one statement, no event: no transaction
        row = await store.insert(uow.conn, person_id=uuid7(), pin=number.normalized, birth_date=number.birth_date,
                                 first_name=first_name, last_name=last_name, street=street,
                                 postal_code=postal_code, city=city, protected_identity=protected_identity,
                                 created_by=user.sub, created_at=uow.now())
        if row is None:
            existing = await store.by_pin(uow.conn, number.normalized)
            # The refusal names the person: a read of their data, logged though the work fails.
            uow.log_read(user, resource=f"person/{existing['id']}", person_id=existing["id"], action="register_refused",
                         also_if_refused=True)
            raise errors.conflict("person_exists", "A person with this number is already registered",
                                  "look the person up with POST /persons/search", person_id=str(existing["id"]))
        return await _as_seen_by(uow, user, row)


async def read_person(uow: UnitOfWork, user: Principal, person_id: UUID) -> PersonView:
    async with uow.reading():
        # The read files its own access-log entry in its one statement (none for no such person).
        read = uow.read_of(user, resource=f"person/{person_id}", person_id=person_id)
        row = await store.get(uow.conn, person_id, logged=FiledRead(uuid7(), uow.source, read))
        if row is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
        return await _as_seen_by(uow, user, row)


async def find_person(uow: UnitOfWork, user: Principal, pin: str) -> Lookup:
    """The person with a valid number, or none (a lookup that finds no one reads no one's data)."""
    number = valid_pin(pin, uow.today())
    async with uow.reading():
        # One statement looks and files the entry: a read of the person found, or, with no one to
        # log against, the search in the searcher's own log.
        missed = uow.read_of(user, resource="persons/search", action="search_found_no_one")
        row = await store.by_pin(uow.conn, number.normalized, logged=FiledRead(uuid7(), uow.source, missed))
        person = await _as_seen_by(uow, user, row) if row is not None else None
    return Lookup(number.normalized, person)


async def grant_address(uow: UnitOfWork, user: Grant, person_id: UUID, *, grantee: str, reason: str,
                        days: int = DEFAULT_GRANT_DAYS) -> Record:
    """A supervisor lets one member of staff see a protected address, in the supervisor's unit."""
    async with uow:
        row = await store.get(uow.conn, person_id)
        if row is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
        ensure_address_grantable(protected=row["protected_identity"], granted_by=user.sub, grantee=grantee,
                                 days=days)
        if not user.unit:
            raise errors.forbidden("no_unit", "Your token names no unit", "a grant is given within your unit")
        now = uow.now()
        granted = await store.insert_address_grant(uow.conn, grant_id=uuid7(), person_id=person_id,
                                                   grantee=grantee.strip(), unit=user.unit, reason=reason,
                                                   granted_by=user.sub, granted_at=now,
                                                   valid_until=now + timedelta(days=days))
        uow.log_read(user, resource=f"person/{person_id}/address-grants/{granted['id']}", person_id=person_id,
                     action="grant_protected_address", reason=reason)
    return granted


async def address_grants(uow: UnitOfWork, user: Grant, person_id: UUID, *, limit: int,
                         cursor: str | None) -> Listed:
    after = decode_cursor(cursor, datetime, UUID)
    async with uow:
        if await store.get(uow.conn, person_id) is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
        rows = await store.address_grants(uow.conn, person_id, unit=user.unit_filter(), after=after, limit=limit)
        uow.log_read(user, resource=f"person/{person_id}/address-grants", person_id=person_id)
    return page_of(rows, limit, lambda r: (r["granted_at"], r["id"]))


def _grant_not_found(grant_id: UUID) -> errors.DomainError:
    return errors.not_found("grant_not_found", "No such grant", str(grant_id))


async def read_address_grant(uow: UnitOfWork, user: Grant, grant_id: UUID) -> Record:
    """One grant of a protected address, in a unit the user sees (another unit's is not found)."""
    async with uow:
        row = await store.address_grant(uow.conn, grant_id)
        if row is None or not user.sees_unit(row["unit"]):
            raise _grant_not_found(grant_id)
        uow.log_read(user, resource=f"person/{row['person_id']}/address-grants/{grant_id}",
                     person_id=row["person_id"])
    return row


async def revoke_address(uow: UnitOfWork, user: Grant, person_id: UUID, grant_id: UUID, *, reason: str,
                         if_match: str | None = None) -> Record:
    """End a grant before its time; with `if_match`, only the grant as the user read it (412
    `etag_mismatch` when it changed since)."""
    async with uow:
        current = await store.address_grant(uow.conn, grant_id, person_id, for_update=True)
        if current is None or not user.sees_unit(current["unit"]):
            raise _grant_not_found(grant_id)
        ensure_current(if_match, etag(current["revision"]))
        ensure_revocable(revoked=current["revoked_at"] is not None)
        revoked = await store.revoke_address_grant(uow.conn, grant_id, person_id, by=user.sub, at=uow.now(),
                                                   reason=reason)
        if revoked is None:
            ensure_revocable(revoked=True)
    return revoked
