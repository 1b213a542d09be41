"""Rule 4 (no reimbursement for a closed case), raced: a provider's report sent right as the
case closes may reach orders before the close does. It is judged by when things happened: a
report made after the close is voided, kept with why, and the provider is told; the case's orders
end with an event the provider sees; and the reimbursement basis never holds time reported after
the close. A hundred races, each on its own case."""
import asyncio
import uuid

from tests.integration.orders.helpers import orders, today  # noqa: F401
from tests.stack import eventually

RACES = 100


async def test_a_report_racing_the_close_never_reaches_the_basis(orders):
    provider = await orders.provider("Kapplöpning AB")
    p = orders.provider_client(provider)
    started = [await orders.started_order(provider, started_on=today()) for _ in range(RACES)]

    async def report(order):
        return await p.post(f"/provider/orders/{order['id']}/deliveries", headers={"Idempotency-Key": uuid.uuid4().hex},
                            json={"delivered_on": today().isoformat(), "minutes": 45})

    answers = []
    for order in started:
        _, answer = await asyncio.gather(orders.close_case(order["case_id"], wait=False), report(order))
        assert answer.status_code in (201, 409), answer.text
        answers.append(answer)
    accepted = [a for a in answers if a.status_code == 201]
    refused = [a.json()["code"] for a in answers if a.status_code == 409]
    assert set(refused) <= {"case_closed", "illegal_transition"}, refused

    conn = await orders.env.db()
    try:
        async def all_closed():
            ended = await conn.fetchval("SELECT count(*) FROM orders.orders WHERE state = 'ended'")
            return ended == RACES
        assert await eventually(all_closed, timeout=60)
        late = await conn.fetchval(
            "SELECT count(*) FROM orders.deliveries d JOIN orders.orders o ON o.id = d.order_id"
            " JOIN orders.cases c ON c.case_id = o.case_id"
            " WHERE d.reported_at > c.closed_at AND d.voided_at IS NULL")
        kept = await conn.fetchval("SELECT coalesce(sum(quantity), 0) FROM orders.deliveries WHERE voided_at IS NULL")
        voided = await conn.fetch("SELECT id FROM orders.deliveries WHERE voided_at IS NOT NULL"
                                  " AND void_reason = 'case_closed'")
    finally:
        await conn.close()
    assert late == 0, f"{late} reports made after their case closed are not voided"
    print(f"\n{len(accepted)} of {RACES} reports accepted before orders knew of the close; "
          f"{len(voided)} voided, {len(refused)} refused")
    assert voided, "no report won the race: the test did not race"

    basis = (await orders.client("object_specialist", "olle").get(
        "/reimbursements", params={"provider_id": provider["id"], "month": today().strftime("%Y-%m"),
                                   "limit": 200})).json()
    assert sum(line["quantity"] for line in basis["items"]) == kept
    events = await orders.events("delivery.voided", at_least=len(voided))
    assert {e["delivery_id"] for e in events} >= {str(v["id"]) for v in voided}
    assert all(e["reason"] == "case_closed" for e in events)
    ended = await orders.events("order.ended", at_least=RACES)
    assert {e["order_id"] for e in ended} == {o["id"] for o in started}
