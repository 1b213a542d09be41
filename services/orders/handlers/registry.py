"""Reactions to the registry's events: orders' read models of cases and decisions."""
import asyncpg

from services.orders.store import read_models as store
from shared.events import Envelope
from shared.events.catalog import CaseClosed, CaseOpened, CaseRemoved, CaseRestored, DecisionMade


async def on_case_opened(conn: asyncpg.Connection, envelope: Envelope, data: CaseOpened) -> None:
    await store.insert_case(conn, case_id=data.case_id, unit=data.unit, kind=data.kind, person_id=data.person_id,
                            opened_on=data.opened_on, person_ref=data.person_ref)


async def on_case_closed(conn: asyncpg.Connection, envelope: Envelope, data: CaseClosed) -> None:
    await store.close_case(conn, case_id=data.case_id, closed_on=data.closed_on)


async def on_case_removed(conn: asyncpg.Connection, envelope: Envelope, data: CaseRemoved) -> None:
    await store.remove_case(conn, case_id=data.case_id, removed_at=data.removed_at)


async def on_case_restored(conn: asyncpg.Connection, envelope: Envelope, data: CaseRestored) -> None:
    await store.restore_case(conn, case_id=data.case_id)


async def on_decision_made(conn: asyncpg.Connection, envelope: Envelope, data: DecisionMade) -> None:
    await store.insert_decision(conn, **data.model_dump())


HANDLERS = {"case.opened": on_case_opened, "case.closed": on_case_closed, "case.removed": on_case_removed,
            "case.restored": on_case_restored, "decision.made": on_decision_made}
