"""Persons: register them, read them and look them up by personal identity number. The address
of a person with protected identity (skyddade personuppgifter) is shown only to a role whose
scope covers a unit with a case for the person."""
from dataclasses import dataclass
from uuid import UUID

from asyncpg import Record
from uuid6 import uuid7

from services.registry.domain.persons import valid_pin
from services.registry.store import persons as store
from shared import errors
from shared.access.policy import checked_action, grant_for
from shared.principal import Principal
from shared.unit_of_work import UnitOfWork

# Family law and support are not in the policy for it: family-law matters (custody, contact)
# are exactly where a protected address must not leak.
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
    shown = True
    if row["protected_identity"]:
        grant = grant_for(user, PROTECTED_ADDRESS)
        shown = grant is not None and grant.sees_any_unit(await store.units_with_case(uow.conn, row["id"]))
    return PersonView(row, shown)


async def _read(uow: UnitOfWork, user: Principal, row: Record) -> PersonView:
    """A person as the user may see them, the read logged in the same work."""
    uow.log_read(user, resource=f"person/{row['id']}", person_id=row["id"])
    return await _as_seen_by(uow, user, row)


async def register_person(uow: UnitOfWork, user: Principal, *, pin: str, first_name: str, last_name: str,
                          street: str | None = None, postal_code: str | None = None, city: str | None = None,
                          protected_identity: bool = False) -> PersonView:
    """Register a person under a valid number; 409 `person_exists` when someone has it already."""
    number = valid_pin(pin, uow.today())
    async with uow:
        row = await store.insert(uow.conn, person_id=uuid7(), pin=number.normalized, birth_date=number.birth_date,
                                 first_name=first_name, last_name=last_name, street=street,
                                 postal_code=postal_code, city=city, protected_identity=protected_identity,
                                 created_by=user.sub)
        if row is None:
            existing = await store.by_pin(uow.conn, number.normalized)
            raise errors.conflict("person_exists", "A person with this number is already registered",
                                  "look the person up with POST /persons/search", person_id=str(existing["id"]))
        return await _as_seen_by(uow, user, row)


async def read_person(uow: UnitOfWork, user: Principal, person_id: UUID) -> PersonView:
    async with uow:
        row = await store.get(uow.conn, person_id)
        if row is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
        return await _read(uow, user, row)


async def find_person(uow: UnitOfWork, user: Principal, pin: str) -> Lookup:
    """The person with a valid number, or none (a lookup that finds no one reads no one's data)."""
    number = valid_pin(pin, uow.today())
    async with uow:
        row = await store.by_pin(uow.conn, number.normalized)
        person = await _read(uow, user, row) if row is not None else None
    return Lookup(number.normalized, person)
