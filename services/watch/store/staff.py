"""What the watch reads of its staff directory and covers (written by shared/staff_read_model.py)."""
import asyncpg


async def members(conn: asyncpg.Connection, subjects: list[str]) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch("SELECT * FROM staff WHERE subject = ANY($1::text[])", subjects)
    return {r["subject"]: r for r in rows}


async def covers_held_by(conn: asyncpg.Connection, cover: str) -> list[asyncpg.Record]:
    """Every cover `cover` has held or holds; the caller asks which are in force today."""
    return await conn.fetch("SELECT * FROM covers WHERE cover = $1", cover)
