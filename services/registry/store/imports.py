"""SQL for the record of each import."""
from datetime import datetime
from uuid import UUID

import asyncpg


async def record(conn: asyncpg.Connection, *, import_id: UUID, imported_by: str, imported_at: datetime, rows: int,
                 imported: int, refused: int, report: list[dict]) -> None:
    await conn.execute(
        "INSERT INTO imports (id, imported_by, imported_at, rows, imported, refused, report)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        import_id, imported_by, imported_at, rows, imported, refused, report,
    )
