"""Published events leave the outbox after OMSORG_OUTBOX_RETENTION_HOURS, as their copies leave the
broker's topics: they name persons whom a culling may have removed everywhere else. An event not
yet published stays however old it is."""
import json
import uuid
from pathlib import Path

from shared.db import create_pool, migrate
from shared.outbox import OutboxRelay


async def test_published_events_older_than_the_retention_are_deleted_and_no_others(env):
    settings = env.settings.model_copy(update={"outbox_retention_hours": 48})
    pool = await create_pool(settings.database_url, "pruned", min_size=1, max_size=2)
    try:
        await migrate(pool, "pruned", Path("/nonexistent"))

        async def event(published_hours_ago: float | None) -> uuid.UUID:
            event_id = uuid.uuid4()
            await pool.execute(
                "INSERT INTO outbox (id, topic, key, type, source, time, data, created_at, published_at)"
                " VALUES ($1, 'registry.events', $2, 'case.opened', 'omsorg/registry', now(), $3,"
                "  now() - make_interval(hours => $4),"
                "  CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $5 * 3600) END)",
                event_id, str(uuid.uuid4()), json.dumps({"person_id": str(uuid.uuid4())}), 100, published_hours_ago)
            return event_id
        old = [await event(49), await event(72)]
        kept = [await event(47), await event(1), await event(None)]   # recent, or never published

        relay = OutboxRelay("pruned", pool, producer=None, settings=settings, faults=None)
        assert await relay.prune() == 2
        left = {row["id"] for row in await pool.fetch("SELECT id FROM outbox")}
        assert left == set(kept) and not left & set(old)
        assert await relay.prune() == 0
    finally:
        await pool.close()
