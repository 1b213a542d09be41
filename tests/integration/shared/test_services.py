"""The five services start on the real database and broker and answer /health, /ready and /docs."""
import re

import httpx
import pytest

from tests.pins import register_person
from tests.stack import SERVICES, eventually


@pytest.mark.parametrize("name", SERVICES)
async def test_each_service_is_ready_and_documented(stack, name):
    _, procs = stack
    async with httpx.AsyncClient(base_url=procs[name].url) as client:
        assert (await client.get("/health")).json() == {"status": "up"}
        ready = await client.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
        assert (await client.get("/docs")).status_code == 200
        openapi = (await client.get("/openapi.json")).json()
        assert "/ready" in openapi["paths"]


@pytest.mark.parametrize("name", SERVICES)
async def test_each_service_migrated_its_own_schema_with_outbox_and_inbox(stack, name):
    env, _ = stack
    conn = await env.db()
    try:
        tables = {r["table_name"] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", name)}
    finally:
        await conn.close()
    assert {"outbox", "inbox", "schema_migrations"} <= tables


async def test_unknown_route_is_problem_json(stack):
    _, procs = stack
    async with httpx.AsyncClient(base_url=procs["registry"].url) as client:
        response = await client.get("/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_event_contract_is_served_with_the_docs(stack):
    _, procs = stack
    async with httpx.AsyncClient(base_url=procs["orders"].url) as client:
        document = (await client.get("/events/asyncapi.json")).json()
    assert document["asyncapi"] == "3.0.0"
    assert "case.opened" in {m["name"] for m in document["components"]["messages"].values()}


async def test_metrics_for_prometheus_show_requests_outbox_and_consumer_lag(stack):
    env, procs = stack
    headers = env.auth("caseworker", unit="vuxen")
    async with httpx.AsyncClient() as client:
        async with httpx.AsyncClient(base_url=procs["registry"].url) as registry:
            person_id = await register_person(registry, headers)
            opened = await registry.post("/cases", json={"unit": "vuxen", "kind": "SoL", "person_id": person_id},
                                         headers=headers)
            assert opened.status_code == 201, opened.text

        async def journal_metrics():
            text = (await client.get(f"{procs['journal'].url}/metrics")).text
            return text if re.search(r'omsorg_consumer_lag\w*\{[^}]*group="journal"', text) else None

        journal = await eventually(journal_metrics)
        registry_text = (await client.get(f"{procs['registry'].url}/metrics")).text
    assert journal, "the journal never reported its consumer lag"
    assert re.search(r'http_server_request_duration_seconds_count\{[^}]*http_route="/cases"', registry_text)
    assert re.search(r'omsorg_outbox_backlog\w*\{[^}]*service="registry"[^}]*\} \d', registry_text)
    assert re.search(r'omsorg_outbox_oldest_age\w*\{[^}]*service="registry"', registry_text)
