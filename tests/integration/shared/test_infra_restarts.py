"""Services ride out a restart of the Kafka broker and of PostgreSQL: events written
meanwhile arrive once, readiness reports the outage, and nothing needs a manual restart.

These restart shared infrastructure, so conftest runs them after every other test.
"""
import uuid

import httpx
import pytest

from tests.pins import register_person
from tests.stack import SERVICES, eventually, restart_infra, start_infra, stop_infra

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


async def test_while_the_database_is_down_every_service_answers_503_with_retry_after_and_then_recovers(env):
    """PostgreSQL stopped under running services: a request that needs it is 503
    `database_unavailable` with Retry-After (a moment's outage, to retry), never a 500; once it is
    back, the same requests are answered without a restart of any service."""
    procs = {name: env.start(name) for name in SERVICES}
    for proc in procs.values():
        await proc.wait_ready()
    some = uuid.uuid4()
    reads = {"registry": (f"/persons/{some}", env.auth("caseworker", unit="vuxen")),
             "journal": (f"/cases/{some}/notes", env.auth("caseworker", unit="vuxen")),
             "orders": (f"/orders/{some}", env.auth("caseworker", unit="vuxen")),
             "watch": ("/watches", env.auth("caseworker", unit="vuxen")),
             "notify": ("/notifications", env.auth("caseworker", unit="vuxen"))}
    assert set(reads) == set(SERVICES)

    async def answers() -> dict[str, httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return {name: await client.get(procs[name].url + path, headers=headers)
                    for name, (path, headers) in reads.items()}

    before = await answers()
    assert all(a.status_code in (200, 404, 409) for a in before.values()), {n: (a.status_code, a.text) for n, a in before.items()}
    stop_infra("postgres")
    try:
        during = await answers()
    finally:
        start_infra("postgres")
    for name, answer in during.items():
        assert answer.status_code == 503, (name, answer.status_code, answer.text, procs[name].log_tail())
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "database_unavailable" and answer.headers["Retry-After"], (name, answer.text)
    for proc in procs.values():
        await proc.wait_ready(timeout=60)

    async def recovered():
        after = await answers()
        return after if all(a.status_code == before[n].status_code for n, a in after.items()) else None
    assert await eventually(recovered, timeout=60), {n: (a.status_code, a.text) for n, a in (await answers()).items()}
