"""A citizen's own cases and decisions (mina ärenden, mina beslut). The person is the one whose
personal identity number the token names (claim `pin`); removed cases are out of the view, and
every read is logged like any other read of a person's data."""
from datetime import date, datetime
from uuid import UUID

from services.registry.domain.decisions import ensure_has_letter
from services.registry.domain.delegation import Status
from services.registry.domain.persons import valid_pin
from services.registry.letters.decision_letter import render
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from services.registry.store import staff as staff_store
from services.registry.usecases.decisions import letter_of
from shared import errors
from shared.access.policy import Grant
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


async def _person_id(uow: UnitOfWork, user: Grant) -> UUID | None:
    """The citizen's person id; None when the number is valid but no one has it in the registry."""
    if not user.pin:
        raise errors.forbidden("no_identity", "Your token names no personal identity number",
                               "a citizen's token carries the claim `pin`")
    row = await person_store.by_pin(uow.conn, valid_pin(user.pin, uow.today()).normalized)
    return row["id"] if row else None


async def my_cases(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None) -> Listed:
    """The citizen's own cases, oldest first."""
    start = decode_cursor(cursor, date, UUID)
    async with uow.reading():
        person_id = await _person_id(uow, user)
        rows = await store.of_person(uow.conn, person_id, after=start, limit=limit + 1) if person_id else []
        uow.log_read(user, resource="me/cases", person_id=person_id)
    return page_of(rows, limit, lambda r: (r["opened_on"], r["id"]))


async def my_decisions(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None) -> Listed:
    """The decisions in force in the citizen's own cases, oldest first."""
    start = decode_cursor(cursor, date, datetime, UUID)
    async with uow.reading():
        person_id = await _person_id(uow, user)
        rows = await store.decisions_of_person(uow.conn, person_id, after=start, limit=limit + 1) if person_id else []
        uow.log_read(user, resource="me/decisions", person_id=person_id)
    return page_of(rows, limit, lambda r: (r["decided_on"], r["created_at"], r["id"]))


async def my_decision_letter(uow: UnitOfWork, user: Grant, decision_id: UUID) -> bytes:
    """The letter of a decision in force in the citizen's own cases; any other decision is not found
    (one waiting for approval, or refused, is not yet or never the committee's decision)."""
    async with uow:
        person_id = await _person_id(uow, user)
        decision = await store.get_decision_by_id(uow.conn, decision_id)
        case = await store.get(uow.conn, decision["case_id"]) if decision is not None else None
        if (person_id is None or case is None or case["person_id"] != person_id or case["removed_at"] is not None
                or decision["status"] != Status.IN_FORCE):
            raise errors.not_found("decision_not_found", "No such decision among yours", str(decision_id))
        ensure_has_letter(reasons=decision["reasons"], status=decision["status"])
        uow.log_read(user, resource=f"me/decisions/{decision_id}/letter", person_id=person_id)
        person = await person_store.get(uow.conn, person_id)
        maker = await staff_store.get(uow.conn, decision["decided_by"])
    return render(letter_of(uow.settings, case, decision, person, maker))
