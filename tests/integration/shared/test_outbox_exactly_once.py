"""An event written through the registry's outbox reaches the journal exactly once,
even when the registry is killed -9 before publishing, or after publishing but before
marking the row published."""
import asyncio
import signal

import httpx

from tests.pins import register_person
from tests.stack import eventually, read_topic

NEW_CASE = {"unit": "vuxen", "kind": "LVM"}


async def _open_case(env, registry, *, dies: bool = False) -> str:
    """A case opened through the registry; its id. A registry that `dies` at a fault of its relay
    may die before its answer is written (the relay wakes on the commit, beside the request): the
    case is then the person's case committed in the database."""
    headers = env.auth("caseworker", unit="vuxen")
    async with httpx.AsyncClient(base_url=registry.url) as client:
        person_id = await register_person(client, headers)
        try:
            response = await client.post("/cases", json={**NEW_CASE, "person_id": person_id}, headers=headers)
        except httpx.RemoteProtocolError:
            if not dies:
                raise
            return await _committed_case(env, person_id)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _committed_case(env, person_id: str) -> str:
    conn = await env.db()
    try:
        case_id = await conn.fetchval("SELECT id::text FROM registry.cases WHERE person_id = $1::uuid", person_id)
    finally:
        await conn.close()
    assert case_id is not None, "the registry died before the case was committed"
    return case_id


async def _journal_counts(env, case_id: str) -> tuple[int, int]:
    conn = await env.db()
    try:
        cases = await conn.fetchval("SELECT count(*) FROM journal.cases WHERE case_id = $1::uuid", case_id)
        inbox = await conn.fetchval(
            "SELECT count(*) FROM journal.inbox i JOIN registry.outbox o ON o.id = i.event_id"
            " WHERE o.key = $1 AND o.type = 'case.opened'", case_id)
        return cases, inbox
    finally:
        await conn.close()


async def _outbox_row(env, case_id: str):
    conn = await env.db()
    try:
        return await conn.fetchrow("SELECT id, published_at FROM registry.outbox"
                                   " WHERE key = $1 AND type = 'case.opened'", case_id)
    finally:
        await conn.close()


async def _published_copies(env, event_id) -> int:
    records = await read_topic(env.kafka_bootstrap, env.topic("registry.events"), timeout=5)
    return sum(1 for r in records if dict(r.headers).get("ce_id") == str(event_id).encode())


async def _assert_effect_once(env, case_id: str) -> None:
    async def seen():
        return (await _journal_counts(env, case_id))[0] == 1
    assert await eventually(seen), "the journal never saw the case"
    assert await _journal_counts(env, case_id) == (1, 1)
    assert await read_topic(env.kafka_bootstrap, env.topic("registry.events.dlq"), timeout=2) == []


async def test_event_is_consumed_once(env):
    registry, journal = env.start("registry"), env.start("journal")
    await registry.wait_ready()
    await journal.wait_ready()
    case_id = await _open_case(env, registry)
    await _assert_effect_once(env, case_id)
    row = await _outbox_row(env, case_id)
    assert row["published_at"] is not None
    assert await _published_copies(env, row["id"]) == 1


async def test_kill_between_commit_and_publish_loses_nothing(env):
    journal = env.start("journal")
    registry = env.start("registry", OMSORG_FAULT="relay_before_publish")
    await journal.wait_ready()
    await registry.wait_ready()
    case_id = await _open_case(env, registry, dies=True)
    assert await registry.wait_exit() == -signal.SIGKILL
    row = await _outbox_row(env, case_id)
    assert row is not None and row["published_at"] is None, "the event must be committed but not yet sent"
    assert await _published_copies(env, row["id"]) == 0

    restarted = env.start("registry")
    await restarted.wait_ready()
    await _assert_effect_once(env, case_id)
    assert (await _outbox_row(env, case_id))["published_at"] is not None
    assert await _published_copies(env, row["id"]) == 1


async def test_kill_after_publish_before_marking_has_one_effect(env):
    journal = env.start("journal")
    registry = env.start("registry", OMSORG_FAULT="relay_after_publish")
    await journal.wait_ready()
    await registry.wait_ready()
    case_id = await _open_case(env, registry, dies=True)
    assert await registry.wait_exit() == -signal.SIGKILL
    row = await _outbox_row(env, case_id)
    assert row["published_at"] is None, "the relay died before marking the row"

    restarted = env.start("registry")
    await restarted.wait_ready()
    async def marked():
        return (await _outbox_row(env, case_id))["published_at"] is not None
    assert await eventually(marked)
    # The broker now holds the event twice; the journal's inbox makes the second a no-op.
    assert await _published_copies(env, row["id"]) == 2
    await _assert_effect_once(env, case_id)


async def test_events_committed_while_the_relay_publishes_leave_at_once(env):
    # Polling only every 60 s: each event must leave on its own commit's NOTIFY, also one
    # that comes while the relay is busy publishing the events before it.
    registry = env.start("registry", OMSORG_RELAY_POLL_SECONDS="60")
    await registry.wait_ready()
    headers = env.auth("caseworker", unit="vuxen")
    async with httpx.AsyncClient(base_url=registry.url, timeout=10) as client:
        person_id = await register_person(client, headers)
        for _ in range(5):  # bursts: commits while the relay publishes the ones before
            responses = await asyncio.gather(*(client.post("/cases", json={**NEW_CASE, "person_id": person_id},
                                                           headers=headers) for _ in range(10)))
            assert [r.status_code for r in responses] == [201] * 10, responses[0].text

    async def unpublished():
        conn = await env.db()
        try:
            return await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL")
        finally:
            await conn.close()

    async def all_published():
        return await unpublished() == 0
    assert await eventually(all_published, timeout=5), f"{await unpublished()} events wait for the 60 s poll"
