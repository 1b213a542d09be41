"""Reactions to the registry's case events."""
import asyncpg

from services.journal.store import cases as store
from shared.events import Envelope
from shared.events.catalog import CaseClosed, CaseOpened


async def on_case_opened(conn: asyncpg.Connection, envelope: Envelope, data: CaseOpened) -> None:
    await store.insert_open(conn, case_id=data.case_id, unit=data.unit, kind=data.kind,
                            opened_on=data.opened_on)


async def on_case_closed(conn: asyncpg.Connection, envelope: Envelope, data: CaseClosed) -> None:
    await store.mark_closed(conn, case_id=data.case_id, closed_on=data.closed_on)


HANDLERS = {"case.opened": on_case_opened, "case.closed": on_case_closed}
