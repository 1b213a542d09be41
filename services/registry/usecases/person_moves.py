"""Moving everything registered under a wrong person to the right one (a wrong personnummer, a
report about someone else, a person registered twice): support re-points the person's cases and
inquiries, with what hangs on them, and `case.person_moved` tells the journal and orders, so
their references follow. Both persons' access logs record the move."""
from uuid import UUID

from services.registry.domain.person_moves import MOVE_REASONS, ensure_movable
from services.registry.store import cullings as culling_store
from services.registry.store import person_moves as store
from services.registry.usecases.retention import already_approved
from shared import errors
from shared.access.policy import Grant, checked_action, grant_for
from shared.events.catalog import CasePersonMoved
from shared.pin import person_ref
from shared.unit_of_work import UnitOfWork

PROTECTED_MOVE = checked_action("registry:person.protected.move")


async def move_records(uow: UnitOfWork, user: Grant, *, from_person_id: UUID, to_person_id: UUID,
                       reason: str) -> dict:
    """Moves the cases and inquiries of `from_person_id` to `to_person_id`. 422 `same_person`;
    404 `person_not_found` for either; 403 `protected_identity` when either has protected
    identity and the user lacks registry:person.protected.move; 409 `culling_already_approved`
    while either is being culled. The wrong person stays registered, with nothing under them
    (removed with POST /retention/removals when the registration itself was wrong)."""
    if reason not in MOVE_REASONS:
        raise errors.invalid("unknown_move_reason", "No move reason has this code",
                             f"`reason` must be one of {', '.join(MOVE_REASONS)}")
    ensure_movable(from_person_id, to_person_id)
    async with uow:
        conn, now = uow.conn, uow.now()
        persons = {row["id"]: row for row in await store.lock(conn, [from_person_id, to_person_id])}
        unknown = [p for p in (from_person_id, to_person_id) if p not in persons]
        if unknown:
            raise errors.not_found("person_not_found", "No such person",
                                   "not in the register: " + ", ".join(map(str, unknown)),
                                   person_ids=[str(p) for p in unknown])
        if any(row["protected_identity"] for row in persons.values()) and not grant_for(user, PROTECTED_MOVE):
            raise errors.forbidden("protected_identity", "A protected identity's records are moved only with the right",
                                   "one of the persons has protected identity: registry:person.protected.move is needed")
        pending = await culling_store.pending_for(conn, [from_person_id, to_person_id])
        if pending:
            raise already_approved(pending)
        case_ids, inquiry_ids = await store.move(conn, from_person_id, to_person_id)
        ref = person_ref(persons[to_person_id]["pin"], uow.settings.person_ref_key)
        for case_id in case_ids:
            uow.publish(CasePersonMoved(case_id=case_id, person_id=to_person_id, person_ref=ref, moved_at=now),
                        key=str(case_id))
        # Both persons' logs: who moved what from whom to whom, when and why.
        uow.log_read(user, resource=f"persons/{from_person_id}/move", person_ids=[from_person_id, to_person_id],
                     action="move_records", reason=f"{reason}: to {to_person_id}")
        return {"from_person_id": from_person_id, "to_person_id": to_person_id, "reason": reason,
                "case_ids": case_ids, "inquiry_ids": inquiry_ids, "moved_by": user.sub, "moved_at": now}
