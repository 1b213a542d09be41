"""HTTP routes for persons: register, read, look up by personal identity number."""
from uuid import UUID

from fastapi import APIRouter

from services.registry.api.models import PersonIn, PersonOut, PersonSearchOut, PinSearchIn
from services.registry.usecases import persons
from shared.access import Grant
from shared.access.routes import allow
from shared.api import UnitOfWorkDep

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
