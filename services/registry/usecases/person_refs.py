"""The person reference of cases opened before `case.opened` carried one: republished as
`case.person_ref_set`, so that orders and the journal can match every case to its citizen."""
from collections.abc import Callable
from uuid import UUID

from services.registry.store import cases as store
from shared.events.catalog import CasePersonRefSet
from shared.pin import person_ref
from shared.unit_of_work import UnitOfWork

BATCH = 500


async def republish(uow: UnitOfWork, *, batch: int = BATCH,
                    progress: Callable[[int], None] = lambda done: None) -> int:
    """Every case's person_ref, a batch of cases per transaction, in id order; returns how many.
    Harmless to run again: consumers set the same value."""
    done, after = 0, None
    while True:
        async with uow:
            rows = await store.cases_with_pins(uow.conn, after=after, limit=batch)
            for row in rows:
                uow.publish(CasePersonRefSet(case_id=row["id"],
                                             person_ref=person_ref(row["pin"], uow.settings.person_ref_key)),
                            key=str(row["id"]), subject=f"case/{row['id']}")
        if not rows:
            return done
        done += len(rows)
        after: UUID = rows[-1]["id"]
        progress(done)
