"""HTTP routes for persons: register, read, look up by personal identity number, and move what
was registered under a wrong person to the right one."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from services.registry.api.models import (
    AddressGrantIn,
    AddressGrantOut,
    PersonIn,
    PersonOut,
    PersonSearchOut,
    PinSearchIn,
    RevocationIn,
)
from services.registry.domain.person_moves import MOVE_REASONS
from services.registry.usecases import person_moves, persons
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/persons", tags=["persons"])
grant_router = service_router(prefix="/address-grants", tags=["persons"])

GRANT_ETAG = etag_header("The grant's revision: send it back in If-Match to revoke exactly the grant you read")


def _tagged_grant(row, response: Response) -> AddressGrantOut:
    response.headers["ETag"] = etag(row["revision"])
    return AddressGrantOut.of(row)


@router.post("", status_code=201, response_model=PersonOut, summary="Register a person")
async def create_person(body: PersonIn, uow: UnitOfWorkDep, user: Grant = allow("registry:person.create")) -> PersonOut:
    """Registers a person under a valid personnummer or samordningsnummer (10 or 12 digits,
    with or without a hyphen; stored as 12 digits), with an optional address and whether the
    person has protected identity (skyddade personuppgifter). Caseworkers and supervisors. 409
    `person_exists` when the number is registered already (look the person up instead); 422
    when the number is not valid."""
    address = body.address
    return PersonOut.of(await persons.register_person(
        uow, user, pin=str(body.pin), first_name=body.first_name, last_name=body.last_name,
        street=address.street if address else None, postal_code=address.postal_code if address else None,
        city=address.city if address else None, protected_identity=body.protected_identity))


@router.get("/{person_id}", response_model=PersonOut, summary="Read a person")
async def get_person(person_id: UUID, uow: UnitOfWorkDep, user: Grant = allow("registry:person.read")) -> PersonOut:
    """The person with their number, name and, when the caller may see it, address: a
    protected person's address is shown only under an address grant for the caller's unit
    (`address_withheld` tells that it exists). Caseworkers, supervisors, family law and support;
    every read is in the access log. 404 `person_not_found`."""
    return PersonOut.of(await persons.read_person(uow, user, person_id))


# A lookup, not a list: the number is unique in the registry, so the answer holds one person or none.
# The number goes in the body, never in the URL, which ends up in traces, proxies' and servers' logs.
@router.post("/search", response_model=PersonSearchOut, summary="Look a person up by personal identity number")
async def find_person(body: PinSearchIn, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:person.read")) -> PersonSearchOut:
    """Looks a person up by personal identity number, sent in the body so that it is in no URL
    or log. Answers the number as normalized and the one person who has it, or none (`found`
    false): the number is unique. Who may call it as for reading a person; 422 when the number is
    not valid."""
    return PersonSearchOut.of(await persons.find_person(uow, user, str(body.pin)))


@router.post("/{person_id}/address-grants", status_code=201, response_model=AddressGrantOut,
             responses={201: {"description": "The grant", "headers": GRANT_ETAG}},
             summary="Let one member of staff see a protected address, for a reason and a time")
async def grant_address(person_id: UUID, body: AddressGrantIn, response: Response, uow: UnitOfWorkDep,
                        user: Grant = allow("registry:person.address_grant")) -> AddressGrantOut:
    """Lets one member of staff (by token subject) see a protected person's address for
    1 to 92 days (30 by default), within the supervisor's own unit, for a reason logged with every
    read under the grant. Supervisors only, never to themselves (403 `self_grant`). 409
    `not_protected` for a person without protected identity; 404 `person_not_found`. The
    answer's Location is the grant's own URL (GET /address-grants/{grant_id})."""
    return _tagged_grant(await persons.grant_address(uow, user, person_id, grantee=body.grantee,
                                                     reason=body.reason, days=body.days), response)


@router.get("/{person_id}/address-grants", response_model=Page[AddressGrantOut],
            summary="The grants of a protected address, newest first")
async def address_grants(person_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:person.address_grant")) -> Page[AddressGrantOut]:
    """The grants of the person's protected address, newest first, in the caller's unit:
    who may see it, why, until when, and any revocation. Supervisors only; the read is in the
    access log. 404 `person_not_found`."""
    listed = await persons.address_grants(uow, user, person_id, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[AddressGrantOut.of(r) for r in listed.items], next_cursor=listed.next_cursor)


@router.post("/{person_id}/address-grants/{grant_id}/revocation", response_model=AddressGrantOut,
             responses={200: {"description": "The grant, revoked", "headers": GRANT_ETAG}},
             summary="End a grant of a protected address before its time")
async def revoke_address(person_id: UUID, grant_id: UUID, body: RevocationIn, response: Response,
                         uow: UnitOfWorkDep, if_match: IfMatch = None,
                         user: Grant = allow("registry:person.address_grant")) -> AddressGrantOut:
    """Ends a grant of a protected address before its time, with a reason; from now on the
    grantee no longer sees the address. Supervisors of the grant's unit. 404 `grant_not_found`
    (also for another unit's grant), 409 `already_revoked`; 412 `etag_mismatch` with an If-Match
    the grant no longer has."""
    return _tagged_grant(await persons.revoke_address(uow, user, person_id, grant_id, reason=body.reason,
                                                      if_match=if_match), response)


@grant_router.get("/{grant_id}", response_model=AddressGrantOut, summary="Read a grant of a protected address",
                  responses={200: {"description": "The grant", "headers": GRANT_ETAG}})
async def get_address_grant(grant_id: UUID, response: Response, uow: UnitOfWorkDep,
                            user: Grant = allow("registry:person.address_grant")) -> AddressGrantOut:
    """One grant of a protected address: who may see it, why, until when, and any revocation.
    Supervisors of the grant's unit; the read is in the access log. 404 `grant_not_found` (also
    for another unit's grant). Its ETag, sent back in If-Match, makes a revocation apply only to
    the grant as read."""
    return _tagged_grant(await persons.read_address_grant(uow, user, grant_id), response)


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "to_person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abce", "reason": "wrong_personal_identity_number"}]})

    to_person_id: UUID = Field(description="the right person, who gets everything registered under the wrong one")
    reason: Literal[tuple(MOVE_REASONS)] = Field(  # type: ignore[valid-type]
        description="why, in general words: " + "; ".join(f"{code} ({words})" for code, words in MOVE_REASONS.items()))


class MoveOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "from_person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "to_person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abce",
        "reason": "wrong_personal_identity_number", "case_ids": ["0192f3a4-5b6c-7d8e-9f01-23456789abcf"],
        "inquiry_ids": [], "moved_by": "stina", "moved_at": "2026-11-20T09:00:00Z"}]})

    from_person_id: UUID
    to_person_id: UUID
    reason: str
    case_ids: list[UUID] = Field(description="the cases moved, with their investigations, decisions, notes and orders")
    inquiry_ids: list[UUID]
    moved_by: str
    moved_at: datetime


@router.post("/{person_id}/move", response_model=MoveOut,
             summary="Move everything registered under a wrong person to the right one")
async def move_records(person_id: UUID, body: MoveIn, uow: UnitOfWorkDep,
                       user: Grant = allow("registry:person.move")) -> MoveOut:
    """Moves the cases and inquiries registered under `person_id` (the wrong person), with their
    investigations and decisions, to `to_person_id`; `case.person_moved` per case makes the
    journal's notes and orders' orders follow. Both persons' access logs record the move. 422
    `same_person`, or a reason not in the list; 404 `person_not_found` (either person); 403
    `protected_identity` when either has protected identity and the caller lacks
    registry:person.protected.move; 409 `culling_already_approved` while either is being culled.
    Moving again moves nothing more. Support only (403 otherwise)."""
    return MoveOut(**await person_moves.move_records(uow, user, from_person_id=person_id,
                                                     to_person_id=body.to_person_id, reason=body.reason))
