"""Every read of a person's data is logged: an `access.logged` event in the reader's transaction."""
from collections.abc import Iterable
from uuid import UUID

import asyncpg
from fastapi import Request

from shared.auth import Principal
from shared.clock import Clock
from shared.events.catalog.audit import AccessLogged
from shared.outbox import Outbox

REASON_HEADER = "X-Access-Reason"


async def log_access(conn: asyncpg.Connection, outbox: Outbox, clock: Clock, user: Principal, *,
                     resource: str, person_id: UUID | None, request: Request | None = None,
                     action: str = "read") -> None:
    """Record who read what, when and why (the `X-Access-Reason` header, when the client gives one)."""
    reason = request.headers.get(REASON_HEADER) if request is not None else None
    await outbox.add(conn, AccessLogged(actor=user.sub, roles=user.roles, action=action, resource=resource,
                                        person_id=person_id, reason=reason, at=clock.now()),
                     key=str(person_id or resource))


async def log_access_to_persons(conn: asyncpg.Connection, outbox: Outbox, clock: Clock, user: Principal, *,
                                resource: str, person_ids: Iterable[UUID | None], request: Request | None = None,
                                action: str = "read") -> None:
    """A list that shows several persons' data: one entry per person, so each person's log shows it.
    A list that shows no one is still recorded, without a person."""
    reason = request.headers.get(REASON_HEADER) if request is not None else None
    persons = list(dict.fromkeys(p for p in person_ids if p is not None)) or [None]
    now = clock.now()
    await outbox.add_many(conn, [
        (AccessLogged(actor=user.sub, roles=user.roles, action=action, resource=resource, person_id=person_id,
                      reason=reason, at=now), str(person_id or resource), None)
        for person_id in persons])
