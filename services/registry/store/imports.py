"""SQL for the record of each import."""
from datetime import datetime

import asyncpg

from services.registry.domain.imports import ImportReport


async def record(conn: asyncpg.Connection, report: ImportReport, *, imported_by: str, imported_at: datetime) -> None:
    """Keep the import's report, row by row, beside who imported it and when."""
    rows = [{"line": r.line, "status": r.status, "reasons": list(r.reasons),
             "person_id": str(r.person_id) if r.person_id else None, "person_created": r.person_created,
             "case_id": str(r.case_id) if r.case_id else None} for r in report.results]
    await conn.execute(
        "INSERT INTO imports (id, imported_by, imported_at, rows, imported, refused, report)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        report.id, imported_by, imported_at, report.rows, report.imported, report.refused, rows,
    )
