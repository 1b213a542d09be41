"""Services ride out a restart of the Kafka broker and of PostgreSQL: events written
meanwhile arrive once, readiness reports the outage, and nothing needs a manual restart.

These restart shared infrastructure, so conftest runs them after every other test.
"""
import httpx
import pytest

from tests.pins import register_person
from tests.stack import eventually, restart_infra

pytestmark = pytest.mark.disruptive


async def _open_case(client, env) -> str:
    headers = env.auth("caseworker", unit="vuxen")
    person_id = await register_person(client, headers)
    response = await client.post("/cases", json={"unit": "vuxen", "kind": "SoL", "person_id": person_id},
                                 headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _journal_has(env, case_ids: list[str]) -> bool:
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT case_id::text, count(*) AS n FROM journal.cases"
                                " WHERE case_id = ANY($1::uuid[]) GROUP BY case_id", case_ids)
    finally:
        await conn.close()
    counts = {r["case_id"]: r["n"] for r in rows}
    assert all(n == 1 for n in counts.values())
    return set(counts) == set(case_ids)


async def test_broker_restart_loses_nothing(env):
    registry, journal = env.start("registry"), env.start("journal")
    await registry.wait_ready()
    await journal.wait_ready()
    async with httpx.AsyncClient(base_url=registry.url, timeout=10) as client:
        before = await _open_case(client, env)
        assert await eventually(lambda: _journal_has(env, [before]))
        restart_infra("kafka")
        during = await _open_case(client, env)  # written while clients reconnect
        after = await _open_case(client, env)
    assert await eventually(lambda: _journal_has(env, [before, during, after]), timeout=90), \
        f"journal log:\n{journal.log_tail()}\nregistry log:\n{registry.log_tail()}"
    await registry.wait_ready()
    await journal.wait_ready()


async def test_database_restart_loses_nothing_and_the_relay_listens_again(env):
    # Polling only every 60 s: an event that arrives quickly after the restart proves the
    # relay listens for NOTIFY again on a fresh connection.
    registry = env.start("registry", OMSORG_RELAY_POLL_SECONDS="60")
    journal = env.start("journal")
    await registry.wait_ready()
    await journal.wait_ready()
    async with httpx.AsyncClient(base_url=registry.url, timeout=10) as client:
        before = await _open_case(client, env)
        assert await eventually(lambda: _journal_has(env, [before]))
        restart_infra("postgres")
        await registry.wait_ready(timeout=30)
        await journal.wait_ready(timeout=30)
        after = await _open_case(client, env)
    assert await eventually(lambda: _journal_has(env, [before, after]), timeout=15), \
        f"registry log:\n{registry.log_tail()}"
