"""The provider's side of orders on the real database and broker: the inbox, opening,
confirming, rejecting and starting, each refusal of an illegal move, and the provider scope."""
import asyncio
from datetime import timedelta

import pytest

from tests.integration.orders.helpers import assert_problem, orders, today  # noqa: F401
from tests.stack import eventually


async def test_open_confirm_start(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    p = orders.provider_client(provider, "petra")

    opened = await p.get(f"/provider/orders/{order['id']}")
    assert opened.status_code == 200, opened.text
    assert opened.headers["ETag"] == (await orders.client().get(f"/orders/{order['id']}")).headers["ETag"]
    view = opened.json()
    assert (view["state"], view["intervention"], view["details"]) == ("opened", "home_help", order["details"])
    assert view["opened_at"] and view["person_id"] == order["person_id"]
    assert view["decision_valid_from"] and view["content_digest"] == order["content_digest"]
    again = await p.get(f"/provider/orders/{order['id']}")
    assert again.json()["opened_at"] == view["opened_at"], "a second read does not open it again"
    assert again.headers["ETag"] == opened.headers["ETag"], "nor change its version"

    confirmed = await p.post(f"/provider/orders/{order['id']}/confirm", headers={"If-Match": opened.headers["ETag"]})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    started_on = today() - timedelta(days=2)
    started = await p.post(f"/provider/orders/{order['id']}/start", headers={"If-Match": confirmed.headers["ETag"]},
                           json={"started_on": started_on.isoformat()})
    assert started.status_code == 200, started.text
    assert (started.json()["state"], started.json()["started_on"]) == ("started", started_on.isoformat())

    opened_events = [e for e in await orders.events("order.opened") if e["order_id"] == order["id"]]
    assert len(opened_events) == 1 and opened_events[0]["opened_by"] == "petra"
    assert opened_events[0]["caseworker"] == "anna"
    confirmed_event = await orders.wait_event("order.confirmed", order["id"])
    assert (confirmed_event["confirmed_by"], confirmed_event["provider_id"]) == ("petra", provider["id"])
    started_event = await orders.wait_event("order.started", order["id"])
    assert (started_event["started_on"], started_event["decision_id"]) == (started_on.isoformat(),
                                                                         order["decision_id"])

    history = (await orders.client().get(f"/orders/{order['id']}")).json()["history"]
    assert [(h["action"], h["to_state"], h["actor"]) for h in history] == [
        ("create", "draft", "anna"), ("send", "sent", "anna"), ("open", "opened", "petra"),
        ("confirm", "confirmed", "petra"), ("start", "started", "petra")]


async def test_reject(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    p = orders.provider_client(provider)
    await p.get(f"/provider/orders/{order['id']}")
    assert_problem(await p.post(f"/provider/orders/{order['id']}/reject", json={"reason": " "}), 422,
                   "validation_error")
    rejected = await p.post(f"/provider/orders/{order['id']}/reject", json={"reason": "Ingen kapacitet i området"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    event = await orders.wait_event("order.rejected", order["id"])
    assert (event["caseworker"], event["unit"]) == ("anna", "vuxen")
    assert "reason" not in event and "Ingen kapacitet" not in str(event), "free text stays in orders"
    body = assert_problem(await p.post(f"/provider/orders/{order['id']}/confirm"), 409, "illegal_transition")
    assert body["current_state"] == "rejected"
    assert_problem(await orders.client().post(f"/orders/{order['id']}/recall", json={"reason": "x"}),
                   409, "illegal_transition")


async def test_confirm_and_start_with_a_stale_etag_are_412_and_change_nothing(orders):
    """The ETag the provider's read answers (after opening) is the one to send: the order's
    version before it was opened, or a tag that is no ETag at all, is 412 `etag_mismatch` and
    neither confirms nor starts; the current one does, and answers the order's next version,
    the same the municipality's read then shows."""
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    municipality, p = orders.client(), orders.provider_client(provider, "petra")
    url = f"/provider/orders/{order['id']}"
    before_opening = (await municipality.get(f"/orders/{order['id']}")).headers["ETag"]
    opened = await p.get(url)
    assert opened.status_code == 200 and opened.headers["ETag"] != before_opening, opened.text

    async def as_it_is() -> tuple[str, str, str | None]:
        read = await municipality.get(f"/orders/{order['id']}")
        return read.json()["state"], read.headers["ETag"], read.json()["started_on"]

    for stale in (before_opening, "not-an-etag", '"0"'):
        problem = assert_problem(await p.post(f"{url}/confirm", headers={"If-Match": stale}), 412, "etag_mismatch")
        assert opened.headers["ETag"] in problem["detail"]
        assert await as_it_is() == ("opened", opened.headers["ETag"], None)
    confirmed = await p.post(f"{url}/confirm", headers={"If-Match": opened.headers["ETag"]})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed", confirmed.text
    assert confirmed.headers["ETag"] not in (before_opening, opened.headers["ETag"])
    assert await as_it_is() == ("confirmed", confirmed.headers["ETag"], None)
    assert (await p.get(url)).headers["ETag"] == confirmed.headers["ETag"]

    started_on = (today() - timedelta(days=1)).isoformat()
    assert_problem(await p.post(f"{url}/start", headers={"If-Match": opened.headers["ETag"]},
                                json={"started_on": started_on}), 412, "etag_mismatch")
    assert await as_it_is() == ("confirmed", confirmed.headers["ETag"], None)
    started = await p.post(f"{url}/start", headers={"If-Match": confirmed.headers["ETag"]},
                           json={"started_on": started_on})
    assert started.status_code == 200 and started.json()["started_on"] == started_on, started.text
    assert started.headers["ETag"] not in (opened.headers["ETag"], confirmed.headers["ETag"])
    assert await as_it_is() == ("started", started.headers["ETag"], started_on)
    assert [e for e in await orders.events("order.started") if e["order_id"] == order["id"]] != []
    assert len([e for e in await orders.events("order.confirmed") if e["order_id"] == order["id"]]) == 1


async def test_two_provider_users_read_the_order_and_the_second_to_answer_gets_412(orders):
    """Two users of the provider open the same order; one rejects it; the other's confirmation,
    with the ETag they read, is 412 `etag_mismatch` (not a confirmation of what was rejected)
    and the order stays rejected; a rejection with a stale ETag is 412 too."""
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    petra, pelle = orders.provider_client(provider, "petra"), orders.provider_client(provider, "pelle")
    url = f"/provider/orders/{order['id']}"
    before_opening = (await orders.client().get(f"/orders/{order['id']}")).headers["ETag"]
    read_by_petra = (await petra.get(url)).headers["ETag"]
    assert (await pelle.get(url)).headers["ETag"] == read_by_petra
    assert_problem(await petra.post(f"{url}/reject", headers={"If-Match": before_opening},
                                    json={"reason": "Ingen kapacitet"}), 412, "etag_mismatch")
    assert (await orders.client().get(f"/orders/{order['id']}")).json()["state"] == "opened"
    rejected = await petra.post(f"{url}/reject", headers={"If-Match": read_by_petra},
                                json={"reason": "Ingen kapacitet"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected", rejected.text
    assert rejected.headers["ETag"] != read_by_petra

    assert_problem(await pelle.post(f"{url}/confirm", headers={"If-Match": read_by_petra}), 412, "etag_mismatch")
    read = await orders.client().get(f"/orders/{order['id']}")
    assert (read.json()["state"], read.headers["ETag"]) == ("rejected", rejected.headers["ETag"])
    assert [h["action"] for h in read.json()["history"]] == ["create", "send", "open", "reject"]


async def test_a_change_committed_while_the_confirmation_waited_for_the_order_is_412(orders):
    """The ETag is checked against the order as it is once locked: a confirmation that waits for
    the order while a recall commits is 412 `etag_mismatch`, not taken against the version
    before the recall (nor the 409 of a recalled order)."""
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    p = orders.provider_client(provider)
    url = f"/provider/orders/{order['id']}"
    tag = (await p.get(url)).headers["ETag"]
    conn = await orders.env.db()
    try:
        async with conn.transaction():
            await conn.execute("SELECT 1 FROM orders.orders WHERE id = $1::uuid FOR UPDATE", order["id"])
            confirming = asyncio.create_task(p.post(f"{url}/confirm", headers={"If-Match": tag}))

            async def waiting() -> bool:
                probe = await orders.env.db()
                try:
                    return bool(await probe.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND query LIKE '%FROM orders%FOR UPDATE%' AND pid <> $1", conn.get_server_pid()))
                finally:
                    await probe.close()
            assert await eventually(waiting, timeout=20), "the confirmation never waited for the order"
            # What a recall by the municipality writes (services/orders/store/orders.py: move).
            await conn.execute("UPDATE orders.orders SET state = 'recalled', recalled_at = now() WHERE id = $1::uuid",
                               order["id"])
            await conn.execute("INSERT INTO orders.order_history (order_id, action, from_state, to_state, actor, at)"
                               " VALUES ($1::uuid, 'recall', 'opened', 'recalled', 'anna', now())", order["id"])
        assert_problem(await confirming, 412, "etag_mismatch")
    finally:
        await conn.close()
    assert (await orders.client().get(f"/orders/{order['id']}")).json()["state"] == "recalled"


@pytest.mark.parametrize("steps,action,body,current", [
    ([], "confirm", None, "sent"),                          # confirming what was never read
    ([], "reject", {"reason": "nej"}, "sent"),
    ([], "start", {"started_on": "TODAY"}, "sent"),
    (["open"], "start", {"started_on": "TODAY"}, "opened"),  # starting what was never confirmed
    (["open", "confirm"], "confirm", None, "confirmed"),
    (["open", "confirm"], "reject", {"reason": "nej"}, "confirmed"),
    (["open", "confirm", "start"], "start", {"started_on": "TODAY"}, "started"),
    (["open"], "deliveries", {"delivered_on": "TODAY", "minutes": 30}, "opened"),
    (["open", "confirm"], "deliveries", {"delivered_on": "TODAY", "minutes": 30}, "confirmed"),
])
async def test_illegal_provider_moves_are_409_with_the_current_state(orders, steps, action, body, current):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    p = orders.provider_client(provider)
    url = f"/provider/orders/{order['id']}"
    for step in steps:
        response = await (p.get(url) if step == "open" else
                          p.post(f"{url}/start", json={"started_on": today().isoformat()}) if step == "start" else
                          p.post(f"{url}/{step}"))
        assert response.status_code == 200, response.text
    if body:
        body = {k: today().isoformat() if v == "TODAY" else v for k, v in body.items()}
    refused = assert_problem(await p.post(f"{url}/{action}", headers={"Idempotency-Key": "k"},
                                          **({"json": body} if body else {})),
                             409, "illegal_transition")
    assert refused["current_state"] == current


async def test_start_outside_the_decision_or_in_the_future_is_refused(orders):
    provider = await orders.provider()
    order = await orders.confirmed_order(provider)
    p = orders.provider_client(provider)
    url = f"/provider/orders/{order['id']}/start"
    assert_problem(await p.post(url, json={"started_on": (today() + timedelta(days=1)).isoformat()}),
                   422, "date_in_future")
    assert_problem(await p.post(url, json={"started_on": (today() - timedelta(days=31)).isoformat()}),
                   409, "outside_decision_validity")


async def test_inbox_lists_unopened_first_and_pages(orders):
    provider = await orders.provider()
    first, second, third = [await orders.sent_order(provider) for _ in range(3)]
    p = orders.provider_client(provider)
    await p.get(f"/provider/orders/{second['id']}")     # opened: goes after the unopened ones
    inbox = (await p.get("/provider/orders")).json()
    assert [o["id"] for o in inbox["items"]] == [third["id"], first["id"], second["id"]]
    assert [o["opened"] for o in inbox["items"]] == [False, False, True]
    assert inbox["next_cursor"] is None

    page1 = (await p.get("/provider/orders", params={"limit": 2})).json()
    page2 = (await p.get("/provider/orders", params={"limit": 2, "cursor": page1["next_cursor"]})).json()
    assert [o["id"] for o in page1["items"] + page2["items"]] == [third["id"], first["id"], second["id"]]
    assert page2["next_cursor"] is None
    assert_problem(await p.get("/provider/orders", params={"cursor": "bm90LWEtY3Vyc29y"}), 422, "invalid_cursor")
    assert_problem(await p.get("/provider/orders", params={"limit": 10_000}), 422, "validation_error")


async def test_another_providers_token_gets_404_for_an_order_it_was_not_sent(orders):
    mine, theirs = await orders.provider("Min AB"), await orders.provider("Deras AB")
    order = await orders.sent_order(mine)
    other = orders.provider_client(theirs, "olof")
    url = f"/provider/orders/{order['id']}"
    for response in (await other.get(url), await other.post(f"{url}/confirm"),
                     await other.post(f"{url}/reject", json={"reason": "x"}),
                     await other.post(f"{url}/start", json={"started_on": today().isoformat()}),
                     await other.post(f"{url}/deliveries", headers={"Idempotency-Key": "k"},
                                      json={"delivered_on": today().isoformat(), "minutes": 5})):
        body = assert_problem(response, 404, "order_not_found")
        assert "provider" not in body.get("detail", "")
    assert order["id"] not in [o["id"] for o in (await other.get("/provider/orders")).json()["items"]]
    # Nothing happened to it: still unopened for its own provider.
    assert (await orders.client().get(f"/orders/{order['id']}")).json()["state"] == "sent"
    # A token with no valid provider sees nothing either.
    stray = orders.client("provider_user", "x", provider_id="not-a-uuid")
    assert_problem(await stray.get(url), 404, "order_not_found")
    assert (await stray.get("/provider/orders")).json()["items"] == []


async def test_drafts_are_invisible_to_the_provider(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    draft = (await orders.draft(case_id, decision_id, provider)).json()
    p = orders.provider_client(provider)
    assert_problem(await p.get(f"/provider/orders/{draft['id']}"), 404, "order_not_found")
    assert draft["id"] not in [o["id"] for o in (await p.get("/provider/orders")).json()["items"]]


async def test_caseworkers_cannot_use_the_provider_side(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    assert_problem(await orders.client().get(f"/provider/orders/{order['id']}"), 403, "forbidden")
    assert_problem(await orders.provider_client(provider).get(f"/orders/{order['id']}"), 403, "forbidden")
