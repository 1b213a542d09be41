"""Delivered time (återrapportering) and the reimbursement basis (ersättningsunderlag) on the
real database and broker: deliveries outside the decision, on closed cases or after a recall
are refused when reported and never appear in the basis (rule 4, docs/architecture.md)."""
import uuid
from datetime import timedelta

from tests import clock
from tests.integration.orders.helpers import assert_problem, orders, today  # noqa: F401


def _month() -> str:
    return today().strftime("%Y-%m")


async def _report(client, order_id: str, **body):
    body.setdefault("delivered_on", today().isoformat())
    return await client.post(f"/provider/orders/{order_id}/deliveries", json=body,
                             headers={"Idempotency-Key": uuid.uuid4().hex})


async def _basis(orders, provider: dict, **params):
    client = orders.client("object_specialist", "olle")
    return await client.get("/reimbursements", params={"provider_id": provider["id"], "month": _month(), **params})


async def test_deliveries_are_summed_per_order_at_the_set_prices(orders):
    provider = await orders.provider(interventions=["home_help", "short_term_stay", "escort_service"])
    p = orders.provider_client(provider, "petra")
    home = await orders.started_order(provider, started_on=today())
    stay = await orders.started_order(provider, started_on=today(), intervention="short_term_stay")
    escort = await orders.started_order(provider, started_on=today(), intervention="escort_service")

    first = await _report(p, home["id"], minutes=60)
    assert first.status_code == 201, first.text
    assert (first.json()["measure"], first.json()["quantity"], first.json()["reported_by"]) == ("minutes", 60, "petra")
    assert (await _report(p, home["id"], minutes=90)).status_code == 201
    assert (await _report(p, stay["id"], units=3)).status_code == 201
    assert (await _report(p, escort["id"], minutes=7)).status_code == 201

    event = await orders.wait_event("delivery.reported", home["id"], quantity=90)
    assert (event["measure"], event["intervention"], event["provider_id"], event["_key"]) == (
        "minutes", "home_help", provider["id"], home["id"])

    basis = await _basis(orders, provider)
    assert basis.status_code == 200, basis.text
    body = basis.json()
    lines = {line["order_id"]: line for line in body["items"]}
    assert (lines[home["id"]]["quantity"], lines[home["id"]]["reports"], lines[home["id"]]["amount_ore"]) == (
        150, 2, 112_500)                                        # 2.5 h at 450 kr
    assert (lines[stay["id"]]["measure"], lines[stay["id"]]["amount_ore"]) == ("units", 840_000)   # 3 × 2 800 kr
    assert lines[escort["id"]]["amount_ore"] == 3_500          # 7 min at 300 kr/h
    assert body["total_ore"] == 112_500 + 840_000 + 3_500 == sum(line["amount_ore"] for line in body["items"])
    assert (body["orders"], body["currency"], body["next_cursor"]) == (3, "SEK", None)

    page = (await _basis(orders, provider, limit=2)).json()
    rest = (await _basis(orders, provider, limit=2, cursor=page["next_cursor"])).json()
    assert len({x["order_id"] for x in page["items"]}) == 2 and page["next_cursor"]
    assert [x["order_id"] for x in page["items"] + rest["items"]] == [x["order_id"] for x in body["items"]]
    assert page["total_ore"] == rest["total_ore"] == body["total_ore"]
    assert rest["next_cursor"] is None
    assert_problem(await _basis(orders, provider, cursor="bm90LWEtY3Vyc29y"), 422, "invalid_cursor")

    order = (await orders.client().get(f"/orders/{home['id']}")).json()
    assert order["deliveries"] == {"reports": 2, "minutes": 150, "units": 0}

    other_month = (await _basis(orders, provider, month="2020-01")).json()
    assert (other_month["items"], other_month["total_ore"], other_month["next_cursor"]) == ([], 0, None)


async def test_refused_deliveries(orders):
    provider = await orders.provider()
    p = orders.provider_client(provider)
    order = await orders.started_order(provider, started_on=today() - timedelta(days=10))
    assert_problem(await _report(p, order["id"], minutes=30, delivered_on=(today() + timedelta(days=1)).isoformat()),
                   422, "date_in_future")
    assert_problem(await _report(p, order["id"], minutes=30, delivered_on=(today() - timedelta(days=31)).isoformat()),
                   409, "outside_decision_validity")
    assert_problem(await _report(p, order["id"], minutes=30, delivered_on=(today() - timedelta(days=11)).isoformat()),
                   409, "before_start")
    assert_problem(await _report(p, order["id"], units=2), 409, "no_price")
    assert_problem(await _report(p, order["id"]), 422, "validation_error")
    assert_problem(await _report(p, order["id"], minutes=30, units=1), 422, "validation_error")
    assert_problem(await _report(p, order["id"], minutes=0), 422, "validation_error")
    assert_problem(await _report(p, order["id"], minutes=24 * 60 + 1), 422, "validation_error")
    basis = (await _basis(orders, provider)).json()
    assert basis["items"] == [] and basis["total_ore"] == 0


async def test_no_deliveries_on_a_closed_case_and_none_after_it_closed(orders):
    provider = await orders.provider()
    p = orders.provider_client(provider)
    order = await orders.started_order(provider, started_on=today())
    assert (await _report(p, order["id"], minutes=60)).status_code == 201
    await orders.close_case(order["case_id"], closed_on=today())
    assert_problem(await _report(p, order["id"], minutes=45), 409, "case_closed")
    lines = (await _basis(orders, provider)).json()["items"]
    assert [(x["order_id"], x["quantity"]) for x in lines] == [(order["id"], 60)], \
        "time delivered while the case was open stays in the basis; nothing later is added"


async def test_no_deliveries_after_a_recall(orders):
    provider = await orders.provider()
    p = orders.provider_client(provider)
    unopened = await orders.sent_order(provider)
    opened = await orders.sent_order(provider)
    await p.get(f"/provider/orders/{opened['id']}")
    for order in (unopened, opened):
        assert (await orders.client().post(f"/orders/{order['id']}/recall", json={"reason": "x"})).status_code == 200
    assert_problem(await _report(p, unopened["id"], minutes=30), 404, "order_not_found")
    refused = assert_problem(await _report(p, opened["id"], minutes=30), 409, "illegal_transition")
    assert refused["current_state"] == "recalled"


async def test_rows_that_slipped_past_the_checks_never_appear(orders):
    """Even a delivery row written around the API (an import, a bug) is not paid for: the
    basis repeats every condition that reporting checks."""
    provider = await orders.provider()
    good = await orders.started_order(provider, started_on=today() - timedelta(days=2))
    recalled = await orders.sent_order(provider)
    await orders.client().post(f"/orders/{recalled['id']}/recall", json={"reason": "x"})
    closed = await orders.started_order(provider, started_on=today() - timedelta(days=2))
    await orders.close_case(closed["case_id"], closed_on=today() - timedelta(days=1))
    short_case = await orders.open_case()
    short = await orders.decide(short_case, valid_from=today() - timedelta(days=20), valid_to=today() - timedelta(days=3))
    conn = await orders.env.db()
    try:
        # An order on a decision that ran out three days ago, started before it did.
        lapsed_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO orders.orders (id, case_id, decision_id, provider_id, unit, intervention, details,"
            " wanted_start, state, created_by, created_at, sent_at, opened_at, started_on)"
            " VALUES ($1, $2::uuid, $3::uuid, $4::uuid, 'vuxen', 'home_help', 'x', $5, 'started', 'anna', now(),"
            " now(), now(), $5)", lapsed_id, short_case, short, provider["id"], today() - timedelta(days=20))
        rows = [(good["id"], today()),                          # the one that counts
                (good["id"], today() - timedelta(days=3)),      # before the order started
                (recalled["id"], today()),                      # on a recalled order
                (closed["id"], today()),                        # after the case closed
                (str(lapsed_id), today() - timedelta(days=1))]  # after the decision ran out
        for order_id, day in rows:
            await conn.execute(
                "INSERT INTO orders.deliveries (id, order_id, delivered_on, measure, quantity, reported_by,"
                " reported_at) VALUES ($1, $2::uuid, $3, 'minutes', 60, 'import', $4)",
                uuid.uuid4(), order_id, day, clock.now())
    finally:
        await conn.close()
    months = {today().strftime("%Y-%m"), (today() - timedelta(days=3)).strftime("%Y-%m")}
    seen = []
    for month in sorted(months):
        seen += (await _basis(orders, provider, month=month)).json()["items"]
    assert [(x["order_id"], x["quantity"]) for x in seen] == [(good["id"], 60)]


async def test_delivery_reports_are_idempotent_with_a_key(orders):
    provider = await orders.provider()
    p = orders.provider_client(provider)
    order = await orders.started_order(provider, started_on=today())
    first = await p.post(f"/provider/orders/{order['id']}/deliveries", headers={"Idempotency-Key": "d-1"},
                         json={"delivered_on": today().isoformat(), "minutes": 30})
    again = await p.post(f"/provider/orders/{order['id']}/deliveries", headers={"Idempotency-Key": "d-1"},
                         json={"delivered_on": today().isoformat(), "minutes": 30})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert_problem(await p.post(f"/provider/orders/{order['id']}/deliveries", headers={"Idempotency-Key": "d-1"},
                                json={"delivered_on": today().isoformat(), "minutes": 45}),
                   409, "idempotency_key_reused")
    assert (await _basis(orders, provider)).json()["total_ore"] == 22_500


async def test_a_report_needs_a_key_and_a_day_holds_at_most_1440_minutes(orders):
    provider = await orders.provider()
    p = orders.provider_client(provider)
    order = await orders.started_order(provider, started_on=today())
    url = f"/provider/orders/{order['id']}/deliveries"
    keyless = await p.post(url, json={"delivered_on": today().isoformat(), "minutes": 30})
    assert_problem(keyless, 400, "idempotency_key_missing")
    assert (await _report(p, order["id"], minutes=1440)).status_code == 201
    for minutes in (1440, 1):
        refused = assert_problem(await _report(p, order["id"], minutes=minutes), 409, "delivery_exceeds_day")
        assert "1440" in refused["detail"] and refused["already"] == 1440
    lines = (await _basis(orders, provider)).json()["items"]
    assert [(line["quantity"], line["reports"]) for line in lines] == [(1440, 1)]


async def test_who_sees_which_basis(orders):
    mine, theirs = await orders.provider("Min AB"), await orders.provider("Deras AB")
    params = {"provider_id": mine["id"], "month": _month()}
    assert (await orders.provider_client(mine).get("/reimbursements", params=params)).status_code == 200
    assert_problem(await orders.provider_client(theirs).get("/reimbursements", params=params), 403, "other_provider")
    assert (await orders.client("supervisor", "greta").get("/reimbursements", params=params)).status_code == 200
    assert_problem(await orders.client("caseworker").get("/reimbursements", params=params), 403, "forbidden")
    for month in ("2025-13", "2025-1", "mars"):
        assert_problem(await orders.client("object_specialist").get(
            "/reimbursements", params={**params, "month": month}), 422, "invalid_month")
    assert_problem(await orders.client("object_specialist").get("/reimbursements", params={"month": _month()}),
                   422, "validation_error")
    prices = (await orders.client().get("/prices")).json()
    assert {"intervention": "home_help", "measure": "minutes", "valid_from": "2020-01-01", "price_ore": 45_000,
            "per_quantity": 60} in prices["items"]
    assert prices["next_cursor"] is None
    first = (await orders.client().get("/prices", params={"limit": 3})).json()
    rest = (await orders.client().get("/prices", params={"limit": 200, "cursor": first["next_cursor"]})).json()
    assert len(first["items"]) == 3 and first["items"] + rest["items"] == prices["items"]


async def test_a_removed_case_takes_no_orders_until_restored(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    now = clock.now().isoformat()
    await orders.publish("case.removed", {"case_id": case_id, "reason": "fel person", "removed_by": "sara",
                                          "removed_at": now}, case_id)
    await orders._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid AND removed_at IS NOT NULL", case_id)
    assert_problem(await orders.draft(case_id, decision_id, provider), 410, "case_removed")
    await orders.publish("case.restored", {"case_id": case_id, "reason": "misstag", "restored_by": "sara",
                                           "restored_at": now}, case_id)
    await orders._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid AND removed_at IS NULL", case_id)
    assert (await orders.draft(case_id, decision_id, provider)).status_code == 201
