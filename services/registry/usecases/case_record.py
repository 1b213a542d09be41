"""The case with what is recorded in it, read at once: the case, its person, the inquiries that led
to it, its investigations and its decisions, each list's first page. One read of the case (one
access check, one entry in the access log for the case and one for its person) where the lists
one by one would be five; the lists' own routes page on from each list's cursor."""
from dataclasses import dataclass
from uuid import UUID

from asyncpg import Record

from services.registry.store import persons as person_store
from services.registry.usecases.cases import visible_case
from services.registry.usecases.decisions import decisions_page
from services.registry.usecases.inquiries import case_inquiries_page
from services.registry.usecases.investigations import investigations_page
from services.registry.usecases.persons import PersonView, read_seen
from shared.access.policy import Grant, grant_for
from shared.pagination import Listed
from shared.unit_of_work import UnitOfWork

PERSON_READ = "registry:person.read"


@dataclass(frozen=True)
class CaseRecord:
    case: Record
    person: PersonView | None  # None when the user may not read persons, or the person is gone
    inquiries: Listed
    investigations: Listed
    decisions: Listed


async def read_case_record(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int) -> CaseRecord:
    """Who may read it as for the case; the person is in it only for those who may read persons
    (an object specialist reads the case without them). Each list's first page is the page its
    own route answers, cursor and all."""
    today = uow.today()
    async with uow.reading():
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/record", person_id=case["person_id"])
        person = None
        reader = grant_for(user, PERSON_READ) if case["person_id"] else None
        if reader is not None:
            row = await person_store.get(uow.conn, case["person_id"])
            person = await read_seen(uow, reader, row) if row is not None else None
        return CaseRecord(
            case=case, person=person,
            inquiries=await case_inquiries_page(uow, case_id, after=None, limit=limit, today=today),
            investigations=await investigations_page(uow, case_id, after=None, limit=limit),
            decisions=await decisions_page(uow, case_id, after=None, limit=limit))
