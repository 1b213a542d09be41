"""Recall and redirect on the real database and broker (rule 7, docs/architecture.md): an order can be
recalled until the provider confirms it; one recalled before it was opened is invisible to
that provider; a redirect recalls and sends to the right provider in one step."""
import pytest

from tests.integration.orders.helpers import assert_problem, orders  # noqa: F401


async def _inbox_ids(client) -> list[str]:
    return [o["id"] for o in (await client.get("/provider/orders", params={"limit": 200})).json()["items"]]


async def test_wrong_provider_recall_before_opening_then_the_right_provider(orders):
    wrong, right = await orders.provider("Fel Omsorg AB"), await orders.provider("Rätt Omsorg AB")
    order = await orders.sent_order(wrong)
    wrong_user, right_user = orders.provider_client(wrong, "w"), orders.provider_client(right, "r")

    recalled = await orders.client().post(f"/orders/{order['id']}/recall", json={"reason": "Fel utförare vald"})
    assert recalled.status_code == 200, recalled.text
    assert recalled.json()["state"] == "recalled"
    event = await orders.wait_event("order.recalled", order["id"])
    assert (event["was_opened"], event["provider_id"]) == (False, wrong["id"])
    assert "Fel utförare vald" not in str(event), "the reason stays in orders (the order's history)"

    # The wrong provider never saw it, and still cannot.
    assert_problem(await wrong_user.get(f"/provider/orders/{order['id']}"), 404, "order_not_found")
    assert order["id"] not in await _inbox_ids(wrong_user)
    assert_problem(await wrong_user.post(f"/provider/orders/{order['id']}/confirm"), 404, "order_not_found")

    # The caseworker orders again, from the right provider, who has it.
    again = await orders.draft(order["case_id"], order["decision_id"], right)
    assert again.status_code == 201, again.text
    sent = await orders.client().post(f"/orders/{again.json()['id']}/send")
    assert sent.status_code == 200
    assert sent.json()["id"] in await _inbox_ids(right_user)
    assert (await right_user.get(f"/provider/orders/{sent.json()['id']}")).json()["details"] == order["details"]
    assert sent.json()["id"] not in await _inbox_ids(wrong_user)

    conn = await orders.env.db()
    try:
        opened = await conn.fetchval("SELECT count(*) FROM orders.outbox WHERE type = 'order.opened' AND key = $1",
                                     order["id"])
    finally:
        await conn.close()
    assert opened == 0, "no order.opened was ever recorded for the wrong provider"


async def test_recalled_after_opening_shows_as_recalled_without_details(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    p = orders.provider_client(provider)
    assert (await p.get(f"/provider/orders/{order['id']}")).json()["details"]
    assert (await orders.client().post(f"/orders/{order['id']}/recall", json={"reason": "Beslutet ändras"})
            ).status_code == 200

    view = await p.get(f"/provider/orders/{order['id']}")
    assert view.status_code == 200
    shown = view.json()
    assert shown["state"] == "recalled" and shown["recalled_at"]
    for hidden in ("details", "intervention", "person_id", "wanted_start", "content_digest"):
        assert shown[hidden] is None, hidden
    listed = [o for o in (await p.get("/provider/orders")).json()["items"] if o["id"] == order["id"]]
    assert len(listed) == 1 and listed[0]["state"] == "recalled" and listed[0]["intervention"] is None
    assert "Beslutet ändras" not in view.text
    event = await orders.wait_event("order.recalled", order["id"])
    assert event["was_opened"] is True
    refused = assert_problem(await p.post(f"/provider/orders/{order['id']}/confirm"), 409, "illegal_transition")
    assert refused["current_state"] == "recalled"


async def test_no_recall_once_confirmed(orders):
    provider = await orders.provider()
    order = await orders.confirmed_order(provider)
    refused = assert_problem(await orders.client().post(f"/orders/{order['id']}/recall", json={"reason": "x"}),
                             409, "illegal_transition")
    assert refused["current_state"] == "confirmed"
    assert_problem(await orders.client().post(f"/orders/{order['id']}/redirect",
                                              json={"provider_id": (await orders.provider("B")).get("id"),
                                                    "reason": "x"}),
                   409, "illegal_transition")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
async def test_a_recall_needs_a_reason(orders, body):
    order = await orders.sent_order(await orders.provider())
    assert_problem(await orders.client().post(f"/orders/{order['id']}/recall", json=body), 422, "validation_error")


async def test_drafts_cannot_be_recalled(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    draft = (await orders.draft(case_id, decision_id, provider)).json()
    refused = assert_problem(await orders.client().post(f"/orders/{draft['id']}/recall", json={"reason": "x"}),
                             409, "illegal_transition")
    assert refused["current_state"] == "draft"


async def test_redirect_recalls_and_sends_to_the_right_provider_in_one_step(orders):
    wrong, right = await orders.provider("Fel AB"), await orders.provider("Rätt AB")
    order = await orders.sent_order(wrong)
    wrong_user, right_user = orders.provider_client(wrong, "w"), orders.provider_client(right, "r")

    redirected = await orders.client().post(f"/orders/{order['id']}/redirect",
                                            json={"provider_id": right["id"], "reason": "Fel utförare"})
    assert redirected.status_code == 201, redirected.text
    new = redirected.json()
    assert new["id"] != order["id"]
    assert (new["state"], new["provider_id"], new["replaces_order_id"]) == ("sent", right["id"], order["id"])
    assert (new["details"], new["wanted_start"], new["decision_id"]) == (order["details"], order["wanted_start"],
                                                                         order["decision_id"])
    assert [h["action"] for h in new["history"]] == ["create", "send"]

    old = (await orders.client().get(f"/orders/{order['id']}")).json()
    assert (old["state"], old["replaced_by_order_id"]) == ("recalled", new["id"])
    assert old["history"][-1]["reason"] == "Fel utförare"

    assert_problem(await wrong_user.get(f"/provider/orders/{order['id']}"), 404, "order_not_found")
    assert_problem(await wrong_user.get(f"/provider/orders/{new['id']}"), 404, "order_not_found")
    assert order["id"] not in await _inbox_ids(wrong_user) and new["id"] not in await _inbox_ids(wrong_user)
    assert new["id"] in await _inbox_ids(right_user)
    assert (await right_user.get(f"/provider/orders/{new['id']}")).json()["state"] == "opened"

    recalled = await orders.wait_event("order.recalled", order["id"])
    assert (recalled["_key"], recalled["redirected_to_order_id"], recalled["was_opened"]) == (
        order["id"], new["id"], False)
    sent = await orders.wait_event("order.sent", new["id"])
    assert (sent["_key"], sent["replaces_order_id"], sent["provider_id"], sent["provider_email"]) == (
        new["id"], order["id"], right["id"], right["email"])


async def test_redirect_refusals(orders):
    provider, no_escort = await orders.provider(), await orders.provider("Bara hemtjänst", interventions=["home_help"])
    order = await orders.sent_order(provider)
    url = f"/orders/{order['id']}/redirect"
    assert_problem(await orders.client().post(url, json={"provider_id": provider["id"], "reason": "x"}),
                   422, "same_provider")
    escort = await orders.sent_order(provider, intervention="escort_service")
    assert_problem(await orders.client().post(f"/orders/{escort['id']}/redirect",
                                              json={"provider_id": no_escort["id"], "reason": "x"}),
                   409, "provider_does_not_offer")
    # Closing the case ends the order (the provider is told): nothing is redirected or recalled after.
    await orders.close_case(order["case_id"])
    assert (await orders.client().get(f"/orders/{order['id']}")).json()["state"] == "ended"
    for move, body in (("redirect", {"provider_id": no_escort["id"], "reason": "x"}), ("recall", {"reason": "x"})):
        refused = assert_problem(await orders.client().post(f"/orders/{order['id']}/{move}", json=body),
                                 409, "illegal_transition")
        assert refused["current_state"] == "ended"
