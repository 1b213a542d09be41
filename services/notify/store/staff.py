"""What notify reads of its staff directory and covers (written by shared/staff_read_model.py)."""
import asyncpg


async def member(conn: asyncpg.Connection, subject: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM staff WHERE subject = $1", subject)


async def covers_of(conn: asyncpg.Connection, absent: list[str]) -> list[asyncpg.Record]:
    """Every cover of these members, past, present or future; the caller asks which are in force."""
    return await conn.fetch("SELECT * FROM covers WHERE absent = ANY($1::text[])", absent)
