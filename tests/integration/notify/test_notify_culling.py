"""Culling (gallring) in notify: when the registry approves a person's culling, notify deletes the
orders of their cases as it knows them, with every e-mail, webhook and in-app delivery and notice
about them, once, and confirms with counts; another person's stay."""
import json
import uuid

import httpx

from tests import clock
from tests.integration.notify.helpers import MailCatcher, envelope, notify_env, order_sent, publish
from tests.integration.notify.test_notify import watch_raised
from tests.stack import eventually, read_topic


async def count(env, sql: str, *args) -> int:
    conn = await env.db()
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def an_order_with_a_reminder(env, case_id: uuid.UUID) -> uuid.UUID:
    order, provider = uuid.uuid4(), uuid.uuid4()
    address = f"bokning-{provider.hex[:6]}@utforare.example"
    await publish(env, "orders.events", str(order), envelope("order.sent", {**order_sent(order, provider, address),
                                                                           "case_id": str(case_id)}))
    await publish(env, "watch.events", str(order), envelope("watch.raised", {**watch_raised(order, provider, address),
                                                                            "case_id": str(case_id)}))

    async def queued():
        return await count(env, "SELECT count(*) FROM notify.deliveries WHERE order_id = $1", order) == 3
    assert await eventually(queued, 30), "the order's deliveries were never queued"
    return order


async def test_an_approved_culling_deletes_the_deliveries_about_the_persons_orders_once(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        case_id, other_case = uuid.uuid4(), uuid.uuid4()
        culled = await an_order_with_a_reminder(env, case_id)
        kept = await an_order_with_a_reminder(env, other_case)
        async with httpx.AsyncClient(base_url=proc.url) as client:
            mine = (await client.get("/notifications", headers=env.auth("caseworker", "anna"))).json()["items"]
            read = [n for n in mine if str(culled) in (n.get("link") or "")]
            assert read, mine
            marked = await client.post(f"/notifications/{read[0]['id']}/read", headers=env.auth("caseworker", "anna"))
            assert marked.status_code in (200, 204), marked.text

        culling_id = uuid.uuid4()
        approved = envelope("person.culling_approved", {
            "culling_id": str(culling_id), "person_id": str(uuid.uuid4()), "person_ref": "0" * 64,
            "rule_id": "personal_file", "approved_by": "systemforvaltare", "approved_at": clock.now().isoformat(),
            "case_ids": [str(case_id)], "inquiry_ids": []})
        again = envelope("person.culling_approved", approved.data)   # published twice: culled once
        await publish(env, "registry.events", approved.data["person_id"], approved, again)

        async def confirmations():
            records = await read_topic(env.kafka_bootstrap, env.topic("notify.events"), timeout=5)
            found = [json.loads(r.value) for r in records if dict(r.headers)["ce_type"] == b"notifications.culled"]
            return [f for f in found if f["culling_id"] == str(culling_id)] or None
        confirmed = await eventually(confirmations, 30)
        assert confirmed, proc.log_tail()
        assert confirmed[0]["counts"] == {"deliveries": 3, "notifications": 1, "reads": 1, "orders": 1}
        for table, column in (("deliveries", "order_id"), ("notifications", "order_id"), ("orders", "order_id")):
            assert await count(env, f"SELECT count(*) FROM notify.{table} WHERE {column} = $1", culled) == 0, table
            assert await count(env, f"SELECT count(*) FROM notify.{table} WHERE {column} = $1", kept) > 0, table

        async def both_handled():
            return await count(env, "SELECT count(*) FROM notify.inbox WHERE type = 'person.culling_approved'") >= 2
        assert await eventually(both_handled)
        assert len(await confirmations()) == 1
    finally:
        catcher.stop()
