"""HTTP routes for persons: register, read, look up by personal identity number."""
from uuid import UUID

from fastapi import APIRouter

from services.registry.api.models import (
    AddressGrantIn,
    AddressGrantOut,
    PersonIn,
    PersonOut,
    PersonSearchOut,
    PinSearchIn,
    RevocationIn,
)
from services.registry.usecases import persons
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/persons", tags=["persons"])


@router.post("", status_code=201, response_model=PersonOut, summary="Register a person")
async def create_person(body: PersonIn, uow: UnitOfWorkDep, user: Grant = allow("registry:person.create")) -> PersonOut:
    address = body.address
    return PersonOut.of(await persons.register_person(
        uow, user, pin=str(body.pin), first_name=body.first_name, last_name=body.last_name,
        street=address.street if address else None, postal_code=address.postal_code if address else None,
        city=address.city if address else None, protected_identity=body.protected_identity))


@router.get("/{person_id}", response_model=PersonOut, summary="Read a person")
async def get_person(person_id: UUID, uow: UnitOfWorkDep, user: Grant = allow("registry:person.read")) -> PersonOut:
    return PersonOut.of(await persons.read_person(uow, user, person_id))


# A lookup, not a list: the number is unique in the registry, so the answer holds one person or none.
# The number goes in the body, never in the URL, which ends up in traces, proxies' and servers' logs.
@router.post("/search", response_model=PersonSearchOut, summary="Look a person up by personal identity number")
async def find_person(body: PinSearchIn, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:person.read")) -> PersonSearchOut:
    return PersonSearchOut.of(await persons.find_person(uow, user, str(body.pin)))


@router.post("/{person_id}/address-grants", status_code=201, response_model=AddressGrantOut,
             summary="Let one member of staff see a protected address, for a reason and a time")
async def grant_address(person_id: UUID, body: AddressGrantIn, uow: UnitOfWorkDep,
                        user: Grant = allow("registry:person.address_grant")) -> AddressGrantOut:
    return AddressGrantOut.of(await persons.grant_address(uow, user, person_id, grantee=body.grantee,
                                                          reason=body.reason, days=body.days))


@router.get("/{person_id}/address-grants", response_model=Page[AddressGrantOut],
            summary="The grants of a protected address, newest first")
async def address_grants(person_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                         user: Grant = allow("registry:person.address_grant")) -> Page[AddressGrantOut]:
    listed = await persons.address_grants(uow, user, person_id, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[AddressGrantOut.of(r) for r in listed.items], next_cursor=listed.next_cursor)


@router.post("/{person_id}/address-grants/{grant_id}/revocation", response_model=AddressGrantOut,
             summary="End a grant of a protected address before its time")
async def revoke_address(person_id: UUID, grant_id: UUID, body: RevocationIn, uow: UnitOfWorkDep,
                         user: Grant = allow("registry:person.address_grant")) -> AddressGrantOut:
    return AddressGrantOut.of(await persons.revoke_address(uow, user, person_id, grant_id, reason=body.reason))
