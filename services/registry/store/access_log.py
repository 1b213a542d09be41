"""SQL for the access log (loggkontroll)."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def insert(conn: asyncpg.Connection, entries: list[tuple[UUID, UUID | None]], *, service: str, actor: str,
                 roles: list[str], action: str, resource: str, reason: str | None, at: datetime) -> None:
    """One read's entries, (entry id, person) each, in one statement. A plain INSERT: the inbox
    guarantees one call per event, and a second one should fail loudly."""
    await conn.execute(
        "INSERT INTO access_log (event_id, service, actor, roles, action, resource, person_id, reason, at)"
        " SELECT e.id, $3, $4, $5, $6, $7, e.person_id, $8, $9"
        "   FROM unnest($1::uuid[], $2::uuid[]) AS e (id, person_id)",
        [e for e, _ in entries], [p for _, p in entries], service, actor, roles, action, resource, reason, at,
    )


async def for_person(conn: asyncpg.Connection, person_id: UUID, *, after: tuple | None,
                     limit: int) -> list[asyncpg.Record]:
    """Newest first; `after` is the (at, event_id) of the last entry already shown."""
    return await _newest_first(conn, "person_id", person_id, after, limit)


async def for_actor(conn: asyncpg.Connection, actor: str, *, after: tuple | None,
                    limit: int) -> list[asyncpg.Record]:
    """What one member of staff read, newest first; `after` as in `for_person`."""
    return await _newest_first(conn, "actor", actor, after, limit)


async def _newest_first(conn: asyncpg.Connection, column: str, value, after: tuple | None,
                        limit: int) -> list[asyncpg.Record]:
    assert column in ("person_id", "actor")  # a column name, never input
    at, event_id = after or (None, None)
    return await conn.fetch(
        f"SELECT * FROM access_log WHERE {column} = $1"
        " AND ($2::timestamptz IS NULL OR (at, event_id) < ($2::timestamptz, $3::uuid))"
        " ORDER BY at DESC, event_id DESC LIMIT $4",
        value, at, event_id, limit,
    )
