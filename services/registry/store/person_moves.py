"""SQL for moving what was registered under a wrong person to the right one."""
from uuid import UUID

import asyncpg


async def lock(conn: asyncpg.Connection, person_ids: list[UUID]) -> list[asyncpg.Record]:
    """The persons' rows, locked (in id order) until the transaction ends."""
    return await conn.fetch("SELECT id, pin, protected_identity FROM persons WHERE id = ANY($1::uuid[])"
                            " ORDER BY id FOR UPDATE", person_ids)


async def move(conn: asyncpg.Connection, from_person_id: UUID, to_person_id: UUID) -> tuple[list[UUID], list[UUID]]:
    """Re-point the cases and inquiries of one person to another (investigations, decisions and
    everything else hang on them); the ids moved, in id order. Address grants stay: they are
    grants to see the wrong person's own address."""
    cases = await conn.fetch("UPDATE cases SET person_id = $2 WHERE person_id = $1 RETURNING id",
                             from_person_id, to_person_id)
    inquiries = await conn.fetch("UPDATE inquiries SET person_id = $2 WHERE person_id = $1 RETURNING id",
                                 from_person_id, to_person_id)
    return sorted(r["id"] for r in cases), sorted(r["id"] for r in inquiries)
