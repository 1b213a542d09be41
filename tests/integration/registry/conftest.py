"""The registry alone on a fresh database and topic prefix, shared by the registry's tests."""
import contextlib

import httpx
import pytest

from tests.stack import create_env, drop_env, eventually, read_topic


@contextlib.asynccontextmanager
async def registry_alone(path):
    """A registry process on a database and topic prefix of its own, dropped afterwards."""
    env = await create_env(path)
    proc = env.start("registry")
    try:
        await proc.wait_ready()
        yield env, proc
    finally:
        await drop_env(env)


@pytest.fixture(scope="session")
async def registry_env(tmp_path_factory):
    async with registry_alone(tmp_path_factory.mktemp("registry")) as started:
        yield started


@pytest.fixture
async def registry(registry_env):
    env, proc = registry_env
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        yield env, client


async def filed_by(env, actor: str) -> tuple[list[tuple], int]:
    """What the access log holds of `actor`'s reads, each entry as (person or None, resource,
    action, reason, service, roles), in the order filed; and how many `access.logged` events of
    theirs went through the outbox (the registry files its own reads, so none should)."""
    conn = await env.db()
    try:
        logged = await conn.fetch("SELECT * FROM registry.access_log WHERE actor = $1 ORDER BY at, event_id", actor)
        events = await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE type = 'access.logged'"
                                     " AND data->>'actor' = $1", actor)
    finally:
        await conn.close()
    return [(str(r["person_id"]) if r["person_id"] else None, r["resource"], r["action"], r["reason"], r["service"],
             list(r["roles"])) for r in logged], events


async def events_for(env, key: str, count: int, topic: str = "registry.events") -> list:
    """The records keyed `key` on `topic`, once there are at least `count` of them."""
    async def enough():
        records = [r for r in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=3)
                   if r.key == key.encode()]
        return records if len(records) >= count else None
    return await eventually(enough) or []


def event_type_of(record) -> str:
    return dict(record.headers)["ce_type"].decode()
