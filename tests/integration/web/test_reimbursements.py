"""The reimbursement basis (ersättningsunderlag) over the orders service's GET /reimbursements: a
provider's user sees their own provider's for the current month by the run's clock (in Sweden) with
the time reported delivered; a supervisor chooses the provider; a month that is not one is said in
Swedish; a caseworker, whom the orders service refuses, is told so in Swedish."""
import html
import uuid

import httpx
import pytest

from services.web import formats, months, texts
from tests import clock
from tests.integration.web.conftest import backend, new_provider, send_order, sign_in


async def delivered(env, provider: dict, order_id: str, minutes: list[int]) -> None:
    """The order opened, confirmed and started today by the provider, and `minutes` reported delivered."""
    auth = env.auth("provider_user", sub=f"utforare-{uuid.uuid4().hex[:6]}", provider_id=provider["id"])
    today = clock.today().isoformat()
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        opened = await orders.get(f"/provider/orders/{order_id}", headers=auth)
        assert opened.status_code == 200, opened.text
        confirmed = await orders.post(f"/provider/orders/{order_id}/confirm",
                                      headers={**auth, "If-Match": opened.headers["ETag"]})
        assert confirmed.status_code == 200, confirmed.text
        started = await orders.post(f"/provider/orders/{order_id}/start", json={"started_on": today},
                                    headers={**auth, "If-Match": confirmed.headers["ETag"]})
        assert started.status_code == 200, started.text
        for quantity in minutes:
            reported = await orders.post(f"/provider/orders/{order_id}/deliveries",
                                         headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
                                         json={"delivered_on": today, "minutes": quantity})
            assert reported.status_code in (200, 201), reported.text


@pytest.fixture
async def basis(web_env, caseworkers_day):
    """A provider of its own with an order of which 90 and 60 minutes were delivered today."""
    env, _, _, _ = web_env
    provider = await new_provider(env)
    order = await send_order(env, caseworkers_day, provider)
    await delivered(env, provider, order["id"], [90, 60])
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        expected = await orders.get("/reimbursements", headers=env.auth("supervisor", "greta", unit="vuxen"),
                                    params={"provider_id": provider["id"], "month": months.of(clock.today())})
    assert expected.status_code == 200, expected.text
    return {"provider": provider, "order": order, "expected": expected.json()}


async def test_a_provider_sees_its_own_basis_for_the_current_month(web_env, basis):
    _, _, web, _ = web_env
    provider, expected = basis["provider"], basis["expected"]
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, role="provider_user", sub=f"utforare-{uuid.uuid4().hex[:6]}",
                              provider_id=provider["id"])).status_code == 303
        shown_in = {months.of(clock.today())}
        # Another provider's id in the address is no way to its basis: a provider sees its own.
        page = await client.get("/reimbursements", params={"provider_id": str(uuid.uuid4())})
        shown_in.add(months.of(clock.today()))  # a run passing midnight at a month's end sees one of the two
        inbox = await client.get("/provider/orders")
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert any(f"Ersättningsunderlag, {months.swedish(m)}" in text for m in shown_in)
    assert expected["month"] in shown_in
    [line] = expected["items"]
    assert line["quantity"] == 150 and line["order_id"] == basis["order"]["id"]
    assert "150 minuter" in text
    assert formats.swedish_kronor(expected["total_ore"]) in text and expected["total_ore"] > 0
    assert f'href="/provider/orders/{basis["order"]["id"]}"' in page.text
    assert 'href="/reimbursements"' in inbox.text


async def test_a_supervisor_chooses_the_provider_and_the_month(web_env, basis):
    _, _, web, _ = web_env
    provider, expected = basis["provider"], basis["expected"]
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, role="supervisor", sub="greta")).status_code == 303
        start = await client.get("/")
        assert 'href="/reimbursements"' in start.text
        chooser = await client.get("/reimbursements")
        assert chooser.status_code == 200
        assert f'<option value="{provider["id"]}">{provider["name"]}</option>' in html.unescape(chooser.text)
        assert "Välj en utförare för att se underlaget." in chooser.text
        page = await client.get("/reimbursements", params={"provider_id": provider["id"], "month": expected["month"]})
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert provider["name"] in text and "150 minuter" in text
        assert formats.swedish_kronor(expected["total_ore"]) in text
        # The month before has nothing reported.
        earlier = months.recent(clock.today())[2]
        empty = await client.get("/reimbursements", params={"provider_id": provider["id"], "month": earlier})
        assert "Ingen utförd tid är rapporterad för månaden." in empty.text
        assert formats.swedish_kronor(0) in html.unescape(empty.text)
        for month in ("2026-13", "mars", "2026-3"):
            refused = await client.get("/reimbursements", params={"provider_id": provider["id"], "month": month})
            assert refused.status_code == 422, month
            assert texts.PROBLEMS["invalid_month"] in html.unescape(refused.text)


async def test_a_caseworker_is_told_the_basis_is_not_theirs_to_read(web_env, basis):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=f"anna-{uuid.uuid4().hex[:6]}")).status_code == 303
        assert 'href="/reimbursements"' not in (await client.get("/")).text
        refused = await client.get("/reimbursements", params={"provider_id": basis["provider"]["id"]})
    assert refused.status_code == 403
    assert "150 minuter" not in refused.text
    assert texts.PROBLEMS["forbidden"] in html.unescape(refused.text)
