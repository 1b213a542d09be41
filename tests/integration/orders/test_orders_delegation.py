"""A decision above its maker's delegation, with the registry and orders each its own process:
orders refuses to order against it until the registry's decision.approved reaches it, and a
refused decision is never orderable. Decisions known from before (no status) are in force."""
import httpx
import pytest

from tests.integration.orders.helpers import Orders, assert_problem
from tests.integration.registry.test_cases import UNIT, decision, open_case
from tests.stack import create_env, drop_env, eventually


@pytest.fixture(scope="module")
async def both(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("delegation"))
    registry, orders = env.start("registry"), env.start("orders")
    service = Orders(env, orders.url)
    try:
        await registry.wait_ready()
        await orders.wait_ready()
        async with httpx.AsyncClient(base_url=registry.url, timeout=30) as client:
            yield env, client, service
    finally:
        await service.close()
        await drop_env(env)


async def staff(client, env, subject: str, unit: str, level: str) -> None:
    response = await client.put(f"/staff/{subject}", headers=env.auth("support", "admin"), json={
        "name": subject.capitalize(), "title": "Enhetschef", "unit": unit, "delegation_level": level,
        "active_from": "2024-01-01"})
    assert response.status_code in (200, 201), response.text


async def big_decision(client, env) -> tuple[dict, dict]:
    """A case and a decision of 200 hours of home help a month by a caseworker: above delegation."""
    case = await open_case(client, env)
    maker = env.auth("caseworker", "anna", unit=UNIT)
    assert (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=maker)).status_code == 201
    made = await client.post(f"/cases/{case['id']}/decisions", json=decision(scope_amount="200"), headers=maker)
    assert made.status_code == 201 and made.json()["status"] == "awaiting_approval", made.text
    return case, made.json()


async def draft_when_known(orders: Orders, case_id: str, decision_id: str, provider: dict) -> httpx.Response:
    """Order once orders has heard of the case and the decision (until then it answers decision_not_known)."""
    async def known():
        response = await orders.draft(case_id, decision_id, provider)
        return None if response.json().get("code") in ("decision_not_known", "case_not_known") else response
    response = await eventually(known, timeout=30)
    assert response is not None, "orders never learnt of the decision"
    return response


async def test_a_decision_above_delegation_is_ordered_only_once_approved(both):
    env, client, orders = both
    await staff(client, env, "greta", UNIT, "supervisor")
    await staff(client, env, "karl", "barn", "supervisor")
    provider = await orders.provider("Hemtjänst Delegation AB")
    case, made = await big_decision(client, env)

    waiting = await draft_when_known(orders, case["id"], made["id"], provider)
    body = assert_problem(waiting, 409, "decision_not_in_force")
    assert body["decision_status"] == "awaiting_approval"

    # A supervisor of another unit does not see the case to approve it; it stays unorderable.
    approval = f"/cases/{case['id']}/decisions/{made['id']}/approval"
    other = await client.post(approval, headers=env.auth("supervisor", "karl", unit="barn"))
    assert other.status_code == 404 and other.json()["code"] == "case_not_found", other.text
    assert_problem(await orders.draft(case["id"], made["id"], provider), 409, "decision_not_in_force")

    approved = await client.post(approval, headers=env.auth("supervisor", "greta", unit=UNIT))
    assert approved.status_code == 200 and approved.json()["status"] == "in_force", approved.text

    async def orderable():
        response = await orders.draft(case["id"], made["id"], provider)
        return response if response.status_code == 201 else None
    created = await eventually(orderable, timeout=30)
    assert created is not None, "decision.approved never made the decision orderable"
    sent = await orders.client().post(f"/orders/{created.json()['id']}/send")
    assert sent.status_code == 200, sent.text


async def test_a_refused_decision_is_never_orderable(both):
    env, client, orders = both
    await staff(client, env, "greta", UNIT, "supervisor")
    provider = await orders.provider("Hemtjänst Avslagen AB")
    case, made = await big_decision(client, env)
    refused = await client.post(f"/cases/{case['id']}/decisions/{made['id']}/refusal",
                                json={"reason": "Behovet är inte styrkt"},
                                headers=env.auth("supervisor", "greta", unit=UNIT))
    assert refused.status_code == 200 and refused.json()["status"] == "refused", refused.text

    async def seen_refused():
        conn = await env.db()
        try:
            return await conn.fetchval("SELECT status = 'refused' FROM orders.decisions WHERE decision_id = $1::uuid",
                                       made["id"])
        finally:
            await conn.close()
    assert await eventually(seen_refused, timeout=30), "orders never learnt of the refusal"
    body = assert_problem(await orders.draft(case["id"], made["id"], provider), 409, "decision_not_in_force")
    assert body["decision_status"] == "refused"


async def test_a_decision_within_delegation_and_one_from_before_are_in_force(both):
    env, client, orders = both
    provider = await orders.provider("Hemtjänst I Kraft AB")
    case = await open_case(client, env)
    maker = env.auth("caseworker", "anna", unit=UNIT)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=maker)
    small = await client.post(f"/cases/{case['id']}/decisions", json=decision(scope_amount="40"), headers=maker)
    assert small.status_code == 201 and small.json()["status"] == "in_force", small.text
    assert (await draft_when_known(orders, case["id"], small.json()["id"], provider)).status_code == 201

    # decision.made as published before decisions carried a status: in force.
    old_case, old_decision = await orders.case_with_decision()
    assert (await orders.draft(old_case, old_decision, provider)).status_code == 201
