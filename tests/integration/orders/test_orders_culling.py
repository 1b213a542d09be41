"""Culling (gallring) in orders: when the registry approves a person's culling, orders deletes
their orders with history and delivered time, and its read models of their cases and decisions,
once, and confirms with counts; another person's orders stay."""
import uuid

from tests import clock
from tests.integration.orders.helpers import orders, today  # noqa: F401
from tests.stack import eventually


async def _count(orders, sql: str, *args) -> int:
    conn = await orders.env.db()
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def _approve(orders, culling_id: str, person_id: str) -> None:
    await orders.publish("person.culling_approved", {
        "culling_id": culling_id, "person_id": person_id, "person_ref": "0" * 64, "rule_id": "personal_file",
        "approved_by": "systemforvaltare", "approved_at": clock.now().isoformat()}, person_id)


async def test_an_approved_culling_deletes_the_persons_orders_once_and_is_confirmed(orders):
    provider = await orders.provider(interventions=["home_help"])
    person, other = str(uuid.uuid4()), str(uuid.uuid4())
    culled = await orders.started_order(provider, person_id=person)
    delivered = await orders.provider_client(provider).post(
        f"/provider/orders/{culled['id']}/deliveries", json={"delivered_on": today().isoformat(), "minutes": 45},
        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert delivered.status_code == 201, delivered.text
    kept = await orders.sent_order(provider, person_id=other)
    culling_id = str(uuid.uuid4())

    await _approve(orders, culling_id, person)
    await _approve(orders, culling_id, person)   # published twice: culled once

    async def confirmations():
        found = [e for e in await orders.events("orders.culled") if e["culling_id"] == culling_id]
        return found or None
    confirmed = await eventually(confirmations)
    assert confirmed, "orders never confirmed the culling"
    assert confirmed[0]["counts"] == {"orders": 1, "history": 5, "deliveries": 1, "decisions": 1, "cases": 1}, \
        confirmed[0]
    assert confirmed[0]["service"] == "orders" and confirmed[0]["_key"] == culling_id
    person_id = uuid.UUID(person)
    for sql in ("SELECT count(*) FROM orders.orders WHERE person_id = $1",
                "SELECT count(*) FROM orders.decisions WHERE person_id = $1",
                "SELECT count(*) FROM orders.cases WHERE person_id = $1"):
        assert await _count(orders, sql, person_id) == 0, sql
    assert await _count(orders, "SELECT count(*) FROM orders.deliveries WHERE order_id = $1",
                        uuid.UUID(culled["id"])) == 0
    assert await _count(orders, "SELECT count(*) FROM orders.orders WHERE id = $1", uuid.UUID(kept["id"])) == 1
    assert (await orders.client().get(f"/orders/{culled['id']}")).status_code == 404

    async def both_handled():
        return await _count(orders, "SELECT count(*) FROM orders.inbox WHERE type = 'person.culling_approved'") >= 2
    assert await eventually(both_handled)
    assert len(await confirmations()) == 1
