"""Orders on the real database and broker: providers, drafts, sending, and every refusal of
an order against a closed case or a decision out of force (rule 4, docs/architecture.md)."""
import json
import uuid
from datetime import timedelta

import pytest

from tests import clock
from tests.integration.orders.helpers import assert_problem, orders, organisation_number, today  # noqa: F401


# Providers

async def test_register_and_list_providers(orders):
    specialist = orders.client("object_specialist", "olle")
    body = {"name": "Hemtjänst Norr AB", "organisation_number": "5560360793", "email": "order@norr.example.se",
            "webhook_url": "https://norr.example.se/hooks/omsorg", "interventions": ["home_help", "home_help"]}
    created = await specialist.post("/providers", json=body)
    assert created.status_code == 201, created.text
    provider = created.json()
    assert provider["organisation_number"] == "556036-0793"
    assert provider["interventions"] == ["home_help"]
    assert provider["registered_by"] == "olle"
    assert_problem(await specialist.post("/providers", json=body), 409, "provider_exists")

    escort = await orders.provider("Ledsagning Syd", interventions=["escort_service"])
    listed = await orders.client().get("/providers", params={"intervention": "escort_service", "limit": 200})
    assert listed.status_code == 200
    ids = [p["id"] for p in listed.json()["items"]]
    assert escort["id"] in ids and provider["id"] not in ids


@pytest.mark.parametrize("change,code", [
    ({"organisation_number": "556036-0792"}, "invalid_organisation_number"),
    ({"organisation_number": "55603-60793"}, "invalid_organisation_number"),
    ({"email": "not-an-address"}, "validation_error"),
    ({"email": "root;x@provider.example"}, "invalid_email"),
    ({"email": "postmaster,x@provider.example"}, "invalid_email"),
    ({"email": "<root>x@provider.example"}, "invalid_email"),
    ({"interventions": []}, "validation_error"),
    ({"interventions": ["Hemtjänst!"]}, "validation_error"),
    ({"webhook_url": "ftp://x"}, "validation_error"),
])
async def test_invalid_providers_are_422(orders, change, code):
    body = {"name": "X", "organisation_number": organisation_number(), "email": "a@b.se",
            "interventions": ["home_help"], **change}
    assert_problem(await orders.client("object_specialist").post("/providers", json=body), 422, code)


async def test_only_object_specialists_and_supervisors_register_providers(orders):
    body = {"name": "X", "organisation_number": organisation_number(), "email": "a@b.se",
            "interventions": ["home_help"]}
    assert_problem(await orders.client("caseworker").post("/providers", json=body), 403, "forbidden")
    assert (await orders.client("supervisor", "greta").post("/providers", json=body)).status_code == 201


async def test_a_webhook_secret_is_issued_by_provider_admins_and_shown_once(orders):
    provider = await orders.provider("Hemtjänst Hook", interventions=["home_help"])
    url = f"/providers/{provider['id']}/webhook-secret"
    assert (await orders.client("object_specialist", "olle").get(url)).json()["key_version"] == 0
    for role in ("caseworker", "provider_user"):
        client = orders.client(role, "x", **({"provider_id": provider["id"]} if role == "provider_user" else {}))
        assert_problem(await client.post(url), 403, "forbidden")
        assert_problem(await client.get(url), 403, "forbidden")
    issued = await orders.client("supervisor", "greta").post(url)
    assert issued.status_code == 201, issued.text
    assert issued.headers["cache-control"] == "no-store"
    body = issued.json()
    assert body["key_version"] == 1 and body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    again = await orders.client("object_specialist", "olle").get(url)
    assert again.json()["key_version"] == 1 and again.json()["rotated_by"] == "greta"
    assert body["secret"] not in again.text and "secret" not in again.json()
    listed = await orders.client().get("/providers", params={"limit": 200})
    assert body["secret"] not in listed.text
    assert_problem(await orders.client("supervisor", "greta").post(f"/providers/{uuid.uuid4()}/webhook-secret"),
                   404, "provider_not_found")


async def test_a_webhook_secret_is_rotated_only_for_the_provider_as_read(orders):
    """A provider has its own URL (the Location of its registration) with an ETag; a rotation sent
    with an ETag from before another administrator's rotation is 412 and issues no secret."""
    made = await orders.client("object_specialist", "olle").post("/providers", json={
        "name": "Hemtjänst Tagg AB", "organisation_number": organisation_number(),
        "email": "order@tagg.example.se", "interventions": ["home_help"]})
    assert made.status_code == 201, made.text
    provider = made.json()
    assert made.headers["Location"].endswith(f"/providers/{provider['id']}")
    read = await orders.client("caseworker", "anna").get(f"/providers/{provider['id']}")
    assert read.status_code == 200 and read.json() == provider, read.text
    seen = read.headers["ETag"]
    assert seen == made.headers["ETag"]
    assert_problem(await orders.client("caseworker", "anna").get(f"/providers/{uuid.uuid4()}"), 404,
                   "provider_not_found")

    url = f"/providers/{provider['id']}/webhook-secret"
    status = await orders.client("object_specialist", "olle").get(url)
    assert status.headers["ETag"] == seen
    first = await orders.client("supervisor", "greta").post(url, headers={"If-Match": seen})
    assert first.status_code == 201 and first.json()["key_version"] == 1, first.text
    assert first.headers["ETag"] != seen
    assert (await orders.client().get(f"/providers/{provider['id']}")).headers["ETag"] == first.headers["ETag"]

    stale = await orders.client("object_specialist", "olle").post(url, headers={"If-Match": seen})
    problem = assert_problem(stale, 412, "etag_mismatch")
    assert first.headers["ETag"] in problem["detail"] and "secret" not in problem
    after = await orders.client("object_specialist", "olle").get(url)
    assert after.json()["key_version"] == 1 and after.json()["rotated_by"] == "greta"
    assert after.headers["ETag"] == first.headers["ETag"]


async def test_providers_page_with_a_cursor(orders):
    for name in ("Sida Ett AB", "Sida Två AB", "Sida Tre AB"):
        await orders.provider(name)
    client = orders.client()
    everyone = (await client.get("/providers", params={"limit": 200})).json()
    assert everyone["next_cursor"] is None and len(everyone["items"]) >= 3
    paged, cursor = [], None
    while True:
        page = (await client.get("/providers", params={"limit": 2, **({"cursor": cursor} if cursor else {})})).json()
        assert len(page["items"]) <= 2
        paged += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [p["id"] for p in paged] == [p["id"] for p in everyone["items"]], "by name, nothing twice or left out"
    assert_problem(await client.get("/providers", params={"cursor": "bm90LWEtY3Vyc29y"}), 422, "invalid_cursor")


# Drafts and sending

async def test_draft_change_provider_send(orders):
    wrong, right = await orders.provider("Fel AB"), await orders.provider("Rätt AB")
    case_id, decision_id = await orders.case_with_decision()
    created = await orders.draft(case_id, decision_id, wrong)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["state"], draft["provider_id"], draft["sent_at"]) == ("draft", wrong["id"], None)

    changed = await orders.client().patch(f"/orders/{draft['id']}", json={"provider_id": right["id"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["provider_id"] == right["id"]

    sent = await orders.client().post(f"/orders/{draft['id']}/send")
    assert sent.status_code == 200, sent.text
    order = sent.json()
    assert order["state"] == "sent" and order["sent_by"] == "anna"
    assert order["content_digest"].startswith("sha256:")
    assert [(h["action"], h["from_state"], h["to_state"], h["actor"]) for h in order["history"]] == [
        ("create", None, "draft", "anna"), ("edit", "draft", "draft", "anna"), ("send", "draft", "sent", "anna")]

    event = await orders.wait_event("order.sent", order["id"])
    assert event["_key"] == order["id"]
    assert event["provider_id"] == right["id"]
    assert event["provider_email"] == right["email"]
    assert (event["case_id"], event["decision_id"], event["caseworker"], event["unit"], event["intervention"]) == (
        case_id, decision_id, "anna", "vuxen", "home_help")
    assert event["sent_at"] and event["replaces_order_id"] is None


async def test_a_sent_order_cannot_be_changed_or_sent_again(orders):
    provider, other = await orders.provider(), await orders.provider("Annan AB")
    order = await orders.sent_order(provider)
    body = assert_problem(await orders.client().patch(f"/orders/{order['id']}", json={"provider_id": other["id"]}),
                          409, "illegal_transition")
    assert body["current_state"] == "sent"
    body = assert_problem(await orders.client().post(f"/orders/{order['id']}/send"), 409, "illegal_transition")
    assert body["current_state"] == "sent" and body["action"] == "send"


async def test_orders_on_a_closed_case_are_refused(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    draft = (await orders.draft(case_id, decision_id, provider)).json()
    await orders.close_case(case_id)
    assert_problem(await orders.client().post(f"/orders/{draft['id']}/send"), 409, "case_closed")
    assert_problem(await orders.draft(case_id, decision_id, provider), 409, "case_closed")
    assert (await orders.client().get(f"/orders/{draft['id']}")).json()["state"] == "draft"


async def test_orders_outside_the_decision_are_refused(orders):
    provider = await orders.provider()
    case_id = await orders.open_case()
    lapsed = await orders.decide(case_id, valid_from=today() - timedelta(days=100),
                                 valid_to=today() - timedelta(days=1))
    body = assert_problem(await orders.draft(case_id, lapsed, provider, wanted_start=today() - timedelta(days=5)),
                          409, "decision_lapsed")
    assert body["valid_to"] == (today() - timedelta(days=1)).isoformat()

    current = await orders.decide(case_id, valid_from=today(), valid_to=today() + timedelta(days=90))
    assert_problem(await orders.draft(case_id, current, provider, wanted_start=today() + timedelta(days=91)),
                   409, "outside_decision_validity")
    assert_problem(await orders.draft(case_id, current, provider, wanted_start=today() - timedelta(days=1)),
                   409, "outside_decision_validity")
    assert_problem(await orders.draft(case_id, current, provider, intervention="escort_service"),
                   409, "intervention_not_decided")

    draft = (await orders.draft(case_id, current, provider)).json()
    assert_problem(await orders.client().patch(f"/orders/{draft['id']}",
                                               json={"wanted_start": (today() + timedelta(days=200)).isoformat()}),
                   409, "outside_decision_validity")


async def test_orders_against_unknown_rejected_or_foreign_decisions_are_refused(orders):
    provider = await orders.provider(interventions=["home_help"])
    case_id, decision_id = await orders.case_with_decision()
    other_case, _ = await orders.case_with_decision()
    rejected = await orders.decide(case_id, outcome="rejected")
    assert_problem(await orders.draft(case_id, rejected, provider), 409, "decision_rejected")
    assert_problem(await orders.draft(other_case, decision_id, provider), 409, "decision_of_other_case")
    assert_problem(await orders.draft(case_id, "0191c0de-0000-7000-8000-000000000000", provider),
                   409, "decision_not_known")
    escort_case, escort = await orders.case_with_decision(intervention="escort_service")
    assert_problem(await orders.draft(escort_case, escort, provider, intervention="escort_service"),
                   409, "provider_does_not_offer")
    assert_problem(await orders.draft(case_id, decision_id, {"id": "0191c0de-0000-7000-8000-000000000001"}),
                   422, "unknown_provider")


async def test_caseworkers_order_only_in_their_own_unit(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision(unit="barn")
    outsider = orders.client("caseworker", "bertil", unit="vuxen")
    # Another unit's decision, case and orders answer as unknown ones: nothing more is told.
    assert_problem(await orders.draft(case_id, decision_id, provider, client=outsider), 409, "decision_not_known")
    own = orders.client("caseworker", "cecilia", unit="barn")
    draft = await orders.draft(case_id, decision_id, provider, client=own)
    assert draft.status_code == 201
    assert_problem(await outsider.get(f"/orders/{draft.json()['id']}"), 404, "order_not_found")
    assert_problem(await outsider.post(f"/orders/{draft.json()['id']}/send"), 404, "order_not_found")
    # A supervisor of another unit reads the order, and may not send it; the unit's own may.
    supervisor = orders.client("supervisor", "greta", unit="vuxen")
    assert (await supervisor.get(f"/orders/{draft.json()['id']}")).status_code == 200
    assert (await supervisor.post(f"/orders/{draft.json()['id']}/send")).status_code in (403, 404)
    own_supervisor = orders.client("supervisor", "hugo", unit="barn")
    assert (await own_supervisor.post(f"/orders/{draft.json()['id']}/send")).status_code == 200
    provider_user = orders.provider_client(provider)
    assert_problem(await orders.draft(case_id, decision_id, provider, client=provider_user), 403, "forbidden")


async def test_create_is_idempotent_with_a_key(orders):
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    body = {"case_id": case_id, "decision_id": decision_id, "provider_id": provider["id"],
            "intervention": "home_help", "details": "x", "wanted_start": today().isoformat()}
    client = orders.client()
    first = await client.post("/orders", json=body, headers={"Idempotency-Key": "k-1"})
    again = await client.post("/orders", json=body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert_problem(await client.post("/orders", json={**body, "details": "y"}, headers={"Idempotency-Key": "k-1"}),
                   409, "idempotency_key_reused")


async def test_reading_an_order_shows_history_and_is_logged(orders):
    provider = await orders.provider()
    order = await orders.sent_order(provider)
    read = await orders.client().get(f"/orders/{order['id']}", headers={"X-Access-Reason": "uppfoljning"})
    assert read.status_code == 200
    assert [h["action"] for h in read.json()["history"]] == ["create", "send"]
    assert all(h["at"] and h["actor"] == "anna" for h in read.json()["history"])
    listed = await orders.client().get("/orders", params={"case_id": order["case_id"]})
    assert [o["id"] for o in listed.json()["items"]] == [order["id"]]

    conn = await orders.env.db()
    try:
        logged = await conn.fetch("SELECT data FROM orders.outbox WHERE type = 'access.logged'"
                                  " AND data->>'resource' = ANY($1::text[])",
                                  [f"order/{order['id']}", f"case/{order['case_id']}/orders"])
    finally:
        await conn.close()
    assert len(logged) == 2
    by_resource = {d["resource"]: d for d in (json.loads(r["data"]) for r in logged)}
    read_log = by_resource[f"order/{order['id']}"]
    assert (read_log["actor"], read_log["reason"], read_log["person_id"]) == ("anna", "uppfoljning", order["person_id"])


async def test_a_cases_orders_page_with_a_cursor(orders):
    provider = await orders.provider("Sidor AB")
    case_id, decision_id = await orders.case_with_decision()
    made = [(await orders.draft(case_id, decision_id, provider)).json()["id"] for _ in range(3)]
    client = orders.client()
    first = (await client.get("/orders", params={"case_id": case_id, "limit": 2})).json()
    rest = (await client.get("/orders", params={"case_id": case_id, "limit": 2, "cursor": first["next_cursor"]})).json()
    assert [o["id"] for o in first["items"] + rest["items"]] == made, "oldest first, nothing twice or left out"
    assert first["next_cursor"] and rest["next_cursor"] is None
    assert_problem(await client.get("/orders", params={"case_id": case_id, "cursor": "bm90LWEtY3Vyc29y"}),
                   422, "invalid_cursor")


async def test_the_orders_of_a_case_not_known_or_removed(orders):
    assert_problem(await orders.client().get("/orders", params={"case_id": str(uuid.uuid4())}), 409, "case_not_known")
    case_id, _ = await orders.case_with_decision()
    await orders.publish("case.removed", {"case_id": case_id, "reason": "fel person", "removed_by": "sara",
                                          "removed_at": clock.now().isoformat()}, case_id)
    await orders._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid AND removed_at IS NOT NULL", case_id)
    assert_problem(await orders.client().get("/orders", params={"case_id": case_id}), 410, "case_removed")
    outsider = orders.client("caseworker", "bertil", unit="barn")
    assert_problem(await outsider.get("/orders", params={"case_id": case_id}), 409, "case_not_known")


@pytest.mark.parametrize("method,path,body", [
    ("get", "/orders/not-a-uuid", None),
    ("post", "/orders", {"case_id": "x"}),
    ("post", "/orders", {}),
    ("patch", "/orders/0191c0de-0000-7000-8000-000000000000", {}),
    ("get", "/orders", None),
    ("get", "/providers?limit=100000", None),
])
async def test_bad_input_is_problem_json_never_500(orders, method, path, body):
    response = await getattr(orders.client(), method)(path, **({"json": body} if body is not None else {}))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_orders_are_404(orders):
    missing = "0191c0de-0000-7000-8000-000000000000"
    assert_problem(await orders.client().get(f"/orders/{missing}"), 404, "order_not_found")
    assert_problem(await orders.client().post(f"/orders/{missing}/send"), 404, "order_not_found")


async def test_a_persons_orders_across_their_cases_in_the_readers_scope(orders):
    person = str(uuid.uuid4())
    provider = await orders.provider("Personens Utförare")
    vuxen = [await orders.sent_order(provider, person_id=person) for _ in range(2)]
    case_id, decision_id = await orders.case_with_decision(person_id=person, unit="vuxen")
    draft = (await orders.draft(case_id, decision_id, provider)).json()
    barn_case, barn_decision = await orders.case_with_decision(person_id=person, unit="barn")
    barn = (await orders.draft(barn_case, barn_decision, provider,
                               client=orders.client("caseworker", "britt", unit="barn"))).json()
    removed_case, removed_decision = await orders.case_with_decision(person_id=person)
    assert (await orders.draft(removed_case, removed_decision, provider)).status_code == 201
    await orders.publish("case.removed", {"case_id": removed_case, "removed_by": "sven",
                                          "removed_at": clock.now().isoformat()}, removed_case)
    await orders._wait_row("SELECT true FROM orders.cases WHERE case_id = $1::uuid AND removed_at IS NOT NULL",
                           removed_case)
    await orders.sent_order(provider)  # someone else's

    async def pages(client) -> list[dict]:
        items, cursor = [], None
        while True:
            response = await client.get(f"/persons/{person}/orders",
                                        params={"limit": 2, **({"cursor": cursor} if cursor else {})})
            assert response.status_code == 200, response.text
            items += response.json()["items"]
            if not (cursor := response.json()["next_cursor"]):
                return items
    mine = await pages(orders.client("caseworker", "anna", unit="vuxen"))
    assert [o["id"] for o in mine] == sorted(o["id"] for o in [*vuxen, draft])  # oldest first: UUIDv7
    assert {o["state"] for o in mine} == {"sent", "draft"} and mine[0]["provider_name"] == "Personens Utförare"
    everywhere = await pages(orders.client("supervisor", "greta", unit="vuxen"))  # reads reach every unit
    assert {o["id"] for o in everywhere} == {o["id"] for o in [*vuxen, draft, barn]}
    assert await pages(orders.client("caseworker", "bo", unit="ekonomi")) == []
    assert_problem(await orders.client().get(f"/persons/{person}/orders", params={"limit": 0}), 422,
                   "validation_error")
    assert_problem(await orders.client().get("/persons/nope/orders"), 422, "validation_error")
    assert (await orders.client("provider_user", "x", provider_id=provider["id"]).get(
        f"/persons/{person}/orders")).status_code == 403

    conn = await orders.env.db()
    try:
        logged = await conn.fetch("SELECT data FROM orders.outbox WHERE type = 'access.logged'"
                                  " AND data->>'resource' = $1", f"person/{person}/orders")
    finally:
        await conn.close()
    assert {json.loads(r["data"])["actor"] for r in logged} == {"anna", "greta", "bo"}
    assert all(json.loads(r["data"])["person_id"] == person for r in logged)


async def test_a_write_with_a_stale_etag_is_refused_and_changes_nothing(orders):
    """Two caseworkers read the same draft; the first changes it; the second's send, with the
    ETag they read, is 412 and sends nothing: nobody signs what they have not seen."""
    provider = await orders.provider()
    case_id, decision_id = await orders.case_with_decision()
    created = await orders.draft(case_id, decision_id, provider)
    assert created.status_code == 201 and created.headers["ETag"].startswith('"')
    order = created.json()
    anna, bertil = orders.client(sub="anna"), orders.client(sub="bertil")
    read = await bertil.get(f"/orders/{order['id']}")
    assert read.headers["ETag"] == created.headers["ETag"]
    seen = read.headers["ETag"]

    changed = await anna.patch(f"/orders/{order['id']}", json={"details": "Städning varje vecka, inte varannan."},
                               headers={"If-Match": seen})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] != seen
    assert (await anna.get(f"/orders/{order['id']}")).headers["ETag"] == changed.headers["ETag"]

    stale = await bertil.post(f"/orders/{order['id']}/send", headers={"If-Match": seen})
    problem = assert_problem(stale, 412, "etag_mismatch")
    assert changed.headers["ETag"] in problem["detail"]
    assert (await anna.get(f"/orders/{order['id']}")).json()["state"] == "draft"
    assert_problem(await bertil.patch(f"/orders/{order['id']}", json={"details": "x" * 10},
                                      headers={"If-Match": f'"1", {seen}'}), 412, "etag_mismatch")

    sent = await bertil.post(f"/orders/{order['id']}/send", headers={"If-Match": f'"0", {changed.headers["ETag"]}'})
    assert sent.status_code == 200 and sent.json()["state"] == "sent", sent.text
    assert sent.json()["details"] == "Städning varje vecka, inte varannan."
    recalled = await anna.post(f"/orders/{order['id']}/recall", json={"reason": "fel utförare"},
                               headers={"If-Match": "*"})
    assert recalled.status_code == 200 and recalled.headers["ETag"] not in (seen, sent.headers["ETag"])
