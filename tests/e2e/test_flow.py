"""The whole flow (demo/flow.py) on the real stack: each step's outcome as the people involved
see it, and every event it caused on its topic exactly once, none lost, none twice."""
import asyncio
from collections import Counter


from shared.events.types import TOPICS
from tests.stack import eventually, read_topic


async def events_by_type(env) -> Counter:
    """Domain events of every topic (not the access log, whose size depends on how much was read)."""
    found: Counter = Counter()
    for topic in TOPICS:
        if topic != "audit.access":
            for record in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=3):
                found[dict(record.headers)["ce_type"].decode()] += 1
    return found


async def get(flow, service: str, path: str, **kw):
    return await flow.call(service, "GET", path, **kw)


async def test_each_step_has_its_outcome(played):
    flow, s = played.flow, played.flow.state
    print(f"\nthe flow took {played.seconds:.1f} s: " + ", ".join(f"{d.step.name} {d.seconds:.1f}" for d in flow.done))
    cw = flow.caseworker_auth()

    # The journal keeps both versions: the first struck through, with who, when and why.
    note = await get(flow, "journal", f"/notes/{s.note['id']}", headers=cw)
    assert note["current_version"] == 2 and [v["version"] for v in note["versions"]] == [2, 1]
    new, old = note["versions"]
    assert not new["struck"] and old["struck"] and old["struck_by"] == "anna"
    assert old["struck_reason"] == new["reason"] == "Fel datum: hembesöket var i förrgår."
    assert old["text"] == new["text"] and old["occurred_on"] != new["occurred_on"] == note["occurred_on"]

    # Two business days after sending, one watch for the caseworker, and one reminder to provider A.
    assert len(s.watch_list["items"]) == 1 and s.watch["kind"] == "order_unconfirmed"
    assert (s.watch["assignee"], s.watch["subject_id"]) == ("anna", s.order_a["id"])
    await asyncio.sleep(1)  # anything sent twice would come now
    a_mail = [str(m["Subject"]) for m in played.catcher.to(s.provider_a["email"])]
    assert sorted(a_mail) == sorted([f"Ny beställning ({s.order_a['id']})",
                                     f"Påminnelse: obekräftad beställning ({s.order_a['id']})"]), \
        "A gets its order and one reminder; it never opened the order, so it gets no notice of the recall"
    b_mail = [str(m["Subject"]) for m in played.catcher.to(s.provider_b["email"])]
    assert b_mail == [f"Ny beställning ({s.order_b['id']})"], "B confirmed in time: no reminder"

    # The redirect recalled A's order, which resolved its watch; B's order went its whole way.
    order_a = await get(flow, "orders", f"/orders/{s.order_a['id']}", headers=cw)
    assert (order_a["state"], order_a["replaced_by_order_id"]) == ("recalled", s.order_b["id"])
    order_b = await get(flow, "orders", f"/orders/{s.order_b['id']}", headers=cw)
    assert order_b["state"] == "started" and order_b["replaces_order_id"] == s.order_a["id"]
    assert [h["action"] for h in order_b["history"]] == ["create", "send", "open", "confirm", "start"]
    assert order_b["deliveries"] == {"reports": 2, "minutes": 150, "units": 0}
    hidden = await flow.client.get(f"{flow.urls.orders}/provider/orders/{s.order_a['id']}",
                                   headers=flow.provider_auth(s.provider_a))
    assert hidden.status_code == 404, "a recalled order A never opened is invisible to A"

    async def watch_list_empty():
        return (await get(flow, "watch", "/watches", headers=cw))["items"] == []
    assert await eventually(watch_list_empty), "the recall resolves the watch"

    # The delivered time is in B's reimbursement basis at the set price: 150 minutes at 450 kr an hour.
    (line,) = s.basis["items"]
    assert (line["order_id"], line["measure"], line["quantity"], line["reports"]) == (
        s.order_b["id"], "minutes", 150, 2)
    assert line["amount_ore"] == s.basis["total_ore"] == 112_500
    specialist = flow.auth("object_specialist", "olle")
    basis_a = await get(flow, "orders", "/reimbursements", headers=specialist,
                        params={"provider_id": s.provider_a["id"], "month": s.basis["month"]})
    assert basis_a["items"] == [] and basis_a["total_ore"] == 0


async def test_every_event_of_the_flow_exactly_once(played):
    env, flow = played.env, played.flow
    expected = flow.expected_events()

    async def settled():
        found = await events_by_type(env)
        return found == expected and found
    found = await eventually(settled, timeout=20) or await events_by_type(env)
    assert found == expected, f"missing: {expected - found}, extra: {found - expected}"
    for topic in TOPICS:
        dead = await read_topic(env.kafka_bootstrap, env.topic(f"{topic}.dlq"), timeout=1)
        assert dead == [], f"{topic}.dlq: {[(r.headers, r.value) for r in dead]}"
    audit = await read_topic(env.kafka_bootstrap, env.topic("audit.access"), timeout=3)
    assert audit, "reads of the person's data are logged"
