"""SQL for the journal's read model of the staff directory: the names shown beside what staff wrote."""
from datetime import datetime

import asyncpg


async def upsert(conn: asyncpg.Connection, *, subject: str, name: str, title: str | None, unit: str,
                 changed_at: datetime) -> None:
    """The entry as it now stands; a change older than the one kept (events of one member arrive in
    order, but a replayed or late one must not undo a newer name) changes nothing."""
    await conn.execute(
        "INSERT INTO staff (subject, name, title, unit, changed_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (subject) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title,"
        "     unit = EXCLUDED.unit, changed_at = EXCLUDED.changed_at"
        " WHERE staff.changed_at <= EXCLUDED.changed_at",
        subject, name, title, unit, changed_at,
    )
