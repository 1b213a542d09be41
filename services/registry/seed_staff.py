"""Load a staff directory file into the registry: `python -m services.registry.seed_staff FILE`.

The file maps each subject to its entry (see deploy/local/staff.yaml). Each entry is put as
`PUT /staff/{subject}` would put it, supervisors before those they supervise, with `staff.changed`
in the registry's outbox for every entry that changed; one already as written changes nothing,
so loading the same file again is harmless. Needs the registry's schema (run after the registry
has started once); uses the OMSORG_* settings like the services."""
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import ValidationError

from services.registry.api.staff import StaffIn
from services.registry.usecases.staff import put_staff
from shared.clock import AdjustableClock, Clock
from shared.db import create_pool
from shared.errors import DomainError
from shared.outbox import Outbox
from shared.settings import get_settings
from shared.unit_of_work import UnitOfWork

SEEDER = "seed_staff"


def read(path: Path) -> dict[str, StaffIn]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or set(document) != {"staff"} or not isinstance(document["staff"], dict):
        raise SystemExit(f"{path}: the top level must be `staff:`, mapping each subject to its entry")
    entries = {}
    for subject, entry in document["staff"].items():
        try:
            entries[str(subject)] = StaffIn.model_validate(entry)
        except ValidationError as exc:
            raise SystemExit(f"{path}: {subject}: {exc}") from None
    return entries


def in_order(entries: dict[str, StaffIn]) -> list[str]:
    """Subjects with each one's supervisor (when in the file) before them."""
    done: list[str] = []
    while len(done) < len(entries):
        ready = [s for s, e in entries.items() if s not in done
                 and (e.supervisor is None or e.supervisor not in entries or e.supervisor in done)]
        if not ready:
            raise SystemExit(f"supervisors in a circle among: {sorted(set(entries) - set(done))}")
        done += ready
    return done


async def seed(path: Path) -> tuple[int, int]:
    """Returns how many entries changed and how many were already as written."""
    entries = read(path)
    settings = get_settings()
    clock = (AdjustableClock(timedelta(seconds=settings.clock_offset_seconds))
             if settings.env in ("dev", "test") else Clock())
    pool = await create_pool(settings.database_url, "registry", max_size=2)
    changed = same = 0
    try:
        for subject in in_order(entries):
            uow = UnitOfWork(pool, Outbox("registry", settings, clock), clock, settings)
            async with pool.acquire() as conn:
                before = await conn.fetchrow("SELECT changed_at FROM staff WHERE subject = $1", subject)
            try:
                row, _ = await put_staff(uow, SEEDER, subject, entries[subject].entry())
            except DomainError as exc:
                raise SystemExit(f"{path}: {subject}: {exc.code}: {exc}") from None
            if before is not None and row["changed_at"] == before["changed_at"]:
                same += 1
            else:
                changed += 1
    finally:
        await pool.close()
    return changed, same


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m services.registry.seed_staff FILE")
    changed, same = asyncio.run(seed(Path(argv[0])))
    print(f"  staff directory: {changed} entries added or changed, {same} already as written")


if __name__ == "__main__":
    main(sys.argv[1:])
