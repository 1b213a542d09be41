"""HTTP routes for persons: create, read, look up by personal identity number."""
from datetime import date
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from uuid6 import uuid7

from services.registry.api.types import Name, text
from services.registry.domain.persons import valid_pin
from services.registry.store import persons as store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.access.policy import checked_action, grant_for
from shared.audit import log_access
from shared.auth import Principal
from shared.clock import Clock
from shared.outbox import Outbox
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(prefix="/persons", tags=["persons"])


class Address(BaseModel):
    street: text(200)
    postal_code: text(20)
    city: text(100)


class PersonIn(BaseModel):
    # A JSON number is taken too, so that it is judged by the validator like any other input.
    pin: str | int = Field(description="personnummer or samordningsnummer, 10 or 12 digits")
    first_name: Name
    last_name: Name
    address: Address | None = None
    protected_identity: bool = Field(False, description="skyddade personuppgifter")


class PersonOut(BaseModel):
    id: UUID
    pin: str
    birth_date: date
    first_name: str
    last_name: str
    protected_identity: bool
    address: Address | None = Field(description="null when the person has none or it is withheld")
    address_withheld: bool = Field(description="true when the address exists but your role may not see it")

    @classmethod
    def of(cls, row, *, show_address: bool) -> "PersonOut":
        has_address = row["street"] is not None
        address = Address(street=row["street"], postal_code=row["postal_code"], city=row["city"]) \
            if has_address and show_address else None
        return cls(id=row["id"], pin=row["pin"], birth_date=row["birth_date"],
                   first_name=row["first_name"], last_name=row["last_name"],
                   protected_identity=row["protected_identity"], address=address,
                   address_withheld=has_address and not show_address)


class PersonSearchOut(BaseModel):
    pin: str = Field(description="the number as normalized by the validator")
    found: bool
    message: str
    items: list[PersonOut]


# Skyddade personuppgifter: the address only to a role whose scope for this action covers a unit
# with a case for the person. Family law and support are not in the policy for it: family-law
# matters (custody, contact) are exactly where a protected address must not leak.
PROTECTED_ADDRESS = checked_action("registry:person.protected_address.read")


async def _shown(conn: asyncpg.Connection, user: Principal, row) -> PersonOut:
    show = True
    if row["protected_identity"]:
        grant = grant_for(user, PROTECTED_ADDRESS)
        show = grant is not None and grant.sees_any_unit(await store.units_with_case(conn, row["id"]))
    return PersonOut.of(row, show_address=show)


async def read_person(conn: asyncpg.Connection, outbox: Outbox, clock: Clock, user: Principal,
                      request: Request, row) -> PersonOut:
    """A person as `user` may see them; the read is logged in the same transaction."""
    await log_access(conn, outbox, clock, user, resource=f"person/{row['id']}", person_id=row["id"],
                     request=request)
    return await _shown(conn, user, row)


@router.post("", status_code=201, response_model=PersonOut, summary="Register a person")
async def create_person(body: PersonIn, pool: Pool, clock: ClockDep,
                        user: Grant = allow("registry:person.create")) -> PersonOut:
    pin = valid_pin(str(body.pin), clock.today())
    address = body.address
    async with pool.acquire() as conn, conn.transaction():
        row = await store.insert(
            conn, person_id=uuid7(), pin=pin.normalized, birth_date=pin.birth_date,
            first_name=body.first_name, last_name=body.last_name,
            street=address.street if address else None, postal_code=address.postal_code if address else None,
            city=address.city if address else None, protected_identity=body.protected_identity,
            created_by=user.sub)
        if row is None:
            existing = await store.by_pin(conn, pin.normalized)
            raise errors.conflict("person_exists", "A person with this number is already registered",
                          "look the person up with GET /persons?pin=", person_id=str(existing["id"]))
        return await _shown(conn, user, row)


@router.get("/{person_id}", response_model=PersonOut, summary="Read a person")
async def get_person(person_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     user: Grant = allow("registry:person.read")) -> PersonOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await store.get(conn, person_id)
        if row is None:
            raise errors.not_found("person_not_found", "No such person", str(person_id))
        return await read_person(conn, outbox, clock, user, request, row)


@router.get("", response_model=PersonSearchOut, summary="Look a person up by personal identity number")
async def find_person(request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                      pin: str = Query(description="personnummer or samordningsnummer"),
                      user: Grant = allow("registry:person.read")) -> PersonSearchOut:
    number = valid_pin(pin, clock.today())
    async with pool.acquire() as conn, conn.transaction():
        row = await store.by_pin(conn, number.normalized)
        if row is None:
            return PersonSearchOut(pin=number.normalized, found=False, items=[],
                                   message="the number is valid; no person with it is registered")
        person = await read_person(conn, outbox, clock, user, request, row)
    return PersonSearchOut(pin=number.normalized, found=True, items=[person], message="one person found")
