"""The provider's screens on real services: the inbox of its own orders, an order as the orders
service shows it to the provider, confirm, reject with a reason, start, report delivered time, a
recalled order shown as recalled with no actions; and what is refused: another provider's order,
another role, an answer against a version no longer current, input that is not valid, a form
without its CSRF token."""
import html
import re
import uuid
from datetime import timedelta

import httpx

from tests import clock
from tests.integration.web.conftest import (
    backend,
    csrf_of,
    new_provider,
    recall_order,
    send_order,
    sign_in,
)

ETAG = re.compile(r'name="etag" value="([^"]*)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def etag_of(page: httpx.Response) -> str:
    match = ETAG.search(page.text)
    assert match, page.text
    return html.unescape(match.group(1))


async def answer(client: httpx.AsyncClient, order_id: str, action: str, **fields: str) -> httpx.Response:
    """The order's page, then one of its forms posted as shown, with `fields` typed into it."""
    page = await client.get(f"/provider/orders/{order_id}")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page), **fields}
    if action == "deliveries":
        data.setdefault("idempotency_key", KEY.search(page.text).group(1))
    else:
        data.setdefault("etag", etag_of(page))
    return await client.post(f"/provider/orders/{order_id}/{action}", data=data)


async def test_the_inbox_shows_the_providers_own_orders_unopened_first(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    first = await send_order(env, caseworkers_day, provider)
    second = await send_order(env, caseworkers_day, provider)
    others = await send_order(env, caseworkers_day, await new_provider(env))
    (await client.get(f"/provider/orders/{first['id']}")).raise_for_status()  # opened: after the unopened one

    page = await client.get("/")
    assert page.status_code == 303 and page.headers["location"] == "/provider/orders"
    inbox = await client.get("/provider/orders")
    assert inbox.status_code == 200
    links = re.findall(r'href="/provider/orders/([0-9a-f-]{36})"', inbox.text)
    assert links == [second["id"], first["id"]]
    assert others["id"] not in inbox.text
    assert "Ny, inte öppnad" in inbox.text and "Hemtjänst" in inbox.text
    assert '<a href="/provider/orders">Inkorg</a>' in inbox.text


async def test_an_order_is_confirmed_started_and_its_time_reported(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    order = await send_order(env, caseworkers_day, provider, details="Inköp varje tisdag, Storgatan 1.")

    page = await client.get(f"/provider/orders/{order['id']}")
    assert page.status_code == 200
    assert "Inköp varje tisdag, Storgatan 1." in page.text and "Öppnad, inte besvarad" in page.text
    # What the orders service does not show a provider is not on the page: no name, no number.
    assert "Tilda" not in page.text and "Testsson" not in page.text
    assert 'id="confirm-submit"' in page.text and 'id="reject-submit"' in page.text
    assert 'id="start-submit"' not in page.text

    confirmed = await answer(client, order["id"], "confirm")
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"/provider/orders/{order['id']}?done=order_confirmed"
    page = await client.get(confirmed.headers["location"])
    assert "Beställningen är bekräftad" in page.text and 'role="status"' in page.text
    assert 'id="confirm-submit"' not in page.text and 'id="start-submit"' in page.text

    today = clock.today().isoformat()
    started = await answer(client, order["id"], "start", started_on=today)
    assert started.status_code == 303, started.text
    page = await client.get(started.headers["location"])
    assert "Insatsen är rapporterad som påbörjad" in page.text and 'id="delivery-submit"' in page.text

    page = await client.get(f"/provider/orders/{order['id']}")
    form = {"csrf_token": csrf_of(page), "idempotency_key": KEY.search(page.text).group(1), "delivered_on": today,
            "measure": "minutes", "quantity": "75"}
    reported = await client.post(f"/provider/orders/{order['id']}/deliveries", data=form)
    assert reported.status_code == 303, reported.text
    again = await client.post(f"/provider/orders/{order['id']}/deliveries", data=form)  # a double-click
    assert again.status_code == 303
    assert "Den utförda tiden är rapporterad" in (await client.get(reported.headers["location"])).text
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT measure, quantity FROM orders.deliveries WHERE order_id = $1",
                                uuid.UUID(order["id"]))
    finally:
        await conn.close()
    assert [(r["measure"], r["quantity"]) for r in rows] == [("minutes", 75)]


async def test_an_order_is_rejected_only_with_a_reason(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    order = await send_order(env, caseworkers_day, provider)
    refused = await answer(client, order["id"], "reject", reason="   ")
    assert refused.status_code == 422
    assert "Skriv varför ni avvisar beställningen" in refused.text
    assert 'aria-describedby="reject-reason-hint reject-reason-error"' in refused.text
    assert 'aria-invalid="true"' in refused.text

    rejected = await answer(client, order["id"], "reject", reason="Vi har ingen personal i området.")
    assert rejected.status_code == 303
    page = await client.get(rejected.headers["location"])
    assert "Beställningen är avvisad" in page.text and ">Avvisad<" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]  # nothing more to answer


async def test_a_recalled_order_is_shown_as_recalled_with_no_actions(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    order = await send_order(env, caseworkers_day, provider, details="Städning varannan vecka.")
    opened = await client.get(f"/provider/orders/{order['id']}")
    stale = {"csrf_token": csrf_of(opened), "etag": etag_of(opened)}
    await recall_order(env, caseworkers_day, order["id"])

    page = await client.get(f"/provider/orders/{order['id']}")
    assert page.status_code == 200
    assert "Beställningen är återkallad" in page.text
    assert "Städning varannan vecka." not in page.text  # once recalled, not what it was about
    assert "<form" not in page.text.split("<main", 1)[1]
    inbox = await client.get("/provider/orders")
    assert "Återkallad beställning" in inbox.text and "Återkallad av kommunen" in inbox.text

    # The confirmation form shown before the recall: refused, and the page shows the order as it is now.
    late = await client.post(f"/provider/orders/{order['id']}/confirm", data=stale)
    assert late.status_code in (409, 412)
    assert "Beställningen är återkallad" in late.text and 'role="alert"' in late.text
    assert "spårnummer" in late.text


async def test_an_answer_against_a_version_no_longer_current_is_refused(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    order = await send_order(env, caseworkers_day, provider)
    page = await client.get(f"/provider/orders/{order['id']}")
    stale = {"csrf_token": csrf_of(page), "etag": etag_of(page)}
    assert (await answer(client, order["id"], "confirm")).status_code == 303
    again = await client.post(f"/provider/orders/{order['id']}/reject", data={**stale, "reason": "Ångrar oss."})
    assert again.status_code == 412
    assert "har ändrats sedan du öppnade den" in again.text
    assert ">Bekräftad<" in again.text  # the order as it is now
    without = await client.post(f"/provider/orders/{order['id']}/reject",
                                data={"csrf_token": stale["csrf_token"], "reason": "Inget ETag."})
    assert without.status_code == 412


async def test_invalid_delivery_input_is_refused_in_swedish_and_kept(web_env, caseworkers_day, as_provider):
    env, _, _, _ = web_env
    client, provider = as_provider
    order = await send_order(env, caseworkers_day, provider)
    assert (await answer(client, order["id"], "confirm")).status_code == 303
    today = clock.today().isoformat()
    assert (await answer(client, order["id"], "start", started_on=today)).status_code == 303
    for quantity, status in (("sju", 422), ("0", 422), ("1441", 422), ("", 422)):
        refused = await answer(client, order["id"], "deliveries", delivered_on=today, measure="minutes",
                               quantity=quantity)
        assert refused.status_code == status, (quantity, refused.text)
        assert 'role="alert"' in refused.text or 'class="field-error"' in refused.text
        assert f'value="{quantity}"' in refused.text  # as typed
    bad_date = await answer(client, order["id"], "deliveries", delivered_on="30 feb", measure="minutes",
                            quantity="30")
    assert bad_date.status_code == 422 and "Skriv datumet då tiden utfördes" in bad_date.text
    yesterday = (clock.today() - timedelta(days=1)).isoformat()  # before the start, and before the decision
    early = await answer(client, order["id"], "deliveries", delivered_on=yesterday, measure="minutes", quantity="30")
    assert early.status_code == 409
    assert ("Datumet är före den dag insatsen började" in early.text
            or "Datumet ligger utanför den tid som beslutet gäller" in early.text)


async def test_other_providers_roles_and_forms_without_csrf_are_refused(web_env, caseworkers_day, as_provider):
    env, _, web, _ = web_env
    client, provider = as_provider
    theirs = await send_order(env, caseworkers_day, await new_provider(env))
    page = await client.get(f"/provider/orders/{theirs['id']}")
    assert page.status_code == 404 and "Beställningen finns inte" in page.text
    assert (await client.get("/provider/orders/not-an-id")).status_code == 404
    mine = await send_order(env, caseworkers_day, provider)
    shown = await client.get(f"/provider/orders/{mine['id']}")
    no_csrf = await client.post(f"/provider/orders/{mine['id']}/confirm", data={"etag": etag_of(shown)})
    assert no_csrf.status_code == 403
    unknown = await client.post(f"/provider/orders/{mine['id']}/delete",
                                data={"csrf_token": csrf_of(shown), "etag": etag_of(shown)})
    assert unknown.status_code == 404
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as caseworker:
        assert (await sign_in(caseworker, sub=caseworkers_day["anna"])).status_code == 303
        inbox = await caseworker.get("/provider/orders")
        assert inbox.status_code == 403 and "Du har inte behörighet" in inbox.text
        order = await caseworker.get(f"/provider/orders/{mine['id']}")
        assert order.status_code == 403
    # None of it changed the order.
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=30) as orders:
        read = await orders.get(f"/orders/{mine['id']}",
                                headers=env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen"))
        assert read.json()["state"] == "opened"
