"""The caseworker's decision and order forms, on the real registry and orders service: a decision
made from the case page (in force, or waiting for approval above the maker's delegation), an order
created from it (posted twice, one order), sent, answered by the provider on its own page, then
recalled or redirected to another provider, with the services' state read after each step. What the
services refuse is said in Swedish beside the field and in the form's summary and changes nothing;
a provider or a citizen is refused (403), and so is a form without the session's CSRF token. In
Chromium, both forms are filled and sent with the keyboard alone, and axe-core finds no WCAG 2.1 AA
violation on any of their screens: empty, with errors, and after they were saved."""
import asyncio
import html
import re
import uuid

import httpx
import pytest
from playwright.async_api import async_playwright

from services.web import texts
from tests import clock
from tests.integration.web.accessibility import check
from tests.integration.web.conftest import (
    REASONS,
    backend,
    created,
    csrf_of,
    eventually,
    new_provider,
    sign_in,
    tab_to,
    tab_to_link,
)
from tests.integration.web.test_accessibility import browser_sign_in, submit_with_enter
from tests.pins import make_pin, register_person

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
ETAG = re.compile(r'name="etag" value="([^"]*)"')
LEGAL_BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"


def auth_of(env, sub: str) -> dict[str, str]:
    return env.auth("caseworker", sub=sub, unit="vuxen")


@pytest.fixture
async def under_investigation(web_env):
    """An open case of unit vuxen with an ongoing investigation and no decision, of a caseworker of
    its own in the staff directory with a caseworker's delegation: (caseworker, case)."""
    env, _, _, _ = web_env
    sub = f"dora-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry:
        put = await registry.put(f"/staff/{sub}", headers=env.auth("support", "admin"), json={
            "name": "Dora Ek", "title": "Socialsekreterare", "unit": "vuxen", "email": f"{sub}@kommun.example.se",
            "delegation_level": "caseworker", "active_from": "2024-01-01"})
        assert put.status_code == 201, put.text
        person = await register_person(registry, auth_of(env, sub), first_name="Berit", last_name="Beslutsson")
        case = created(await registry.post("/cases", headers=auth_of(env, sub),
                                           json={"unit": "vuxen", "kind": "SoL", "person_id": person}))
        created(await registry.post(f"/cases/{case['id']}/investigations", headers=auth_of(env, sub), json={}))
    return sub, case


@pytest.fixture
async def as_caseworker(web_env, under_investigation):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=under_investigation[0])).status_code == 303
        yield client


def decision_fields(**changes: str) -> dict[str, str]:
    today = clock.today().isoformat()
    return {"intervention": "home_help", "outcome": "granted", "reasons": REASONS, "legal_basis": LEGAL_BASIS,
            "scope_amount": "24", "valid_from": today, "valid_to": "", "follow_up_on": "", "communicated": "yes",
            "communicated_on": today, "method": "meeting", "not_communicated_reason": "", **changes}


async def read(env, sub: str, service: str, path: str) -> dict:
    """What a service holds, read with the caseworker's own token."""
    async with httpx.AsyncClient(base_url=backend(env, service).url, timeout=60) as client:
        answer = await client.get(path, headers=auth_of(env, sub))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def decision_form(client: httpx.AsyncClient, case_id: str, **changes: str) -> dict[str, str]:
    """The decision form as shown once (its CSRF token and Idempotency-Key), filled in; a page that
    shows no form (no ongoing investigation) has no key, and the fields are posted all the same."""
    page = await client.get(f"/cases/{case_id}/decision")
    assert page.status_code == 200, page.text
    key = KEY.search(page.text)
    return {"csrf_token": csrf_of(page), **({"idempotency_key": key.group(1)} if key else {}),
            **decision_fields(**changes)}


async def make_decision(client: httpx.AsyncClient, case_id: str, **changes: str) -> httpx.Response:
    return await client.post(f"/cases/{case_id}/decision", data=await decision_form(client, case_id, **changes))


async def order_form(client: httpx.AsyncClient, case_id: str, decision_id: str) -> dict[str, str]:
    page = await client.get(f"/cases/{case_id}/orders/new", params={"decision_id": decision_id})
    assert page.status_code == 200, page.text
    return {"csrf_token": csrf_of(page), "idempotency_key": KEY.search(page.text).group(1),
            "decision_id": decision_id}


async def create_order(client: httpx.AsyncClient, case_id: str, form: dict[str, str]) -> httpx.Response:
    """Posted until the orders service has heard of the case and the decision (events), as a
    caseworker tries again when the page says so."""
    async def taken():
        answer = await client.post(f"/cases/{case_id}/orders", data=form)
        return answer if answer.status_code == 303 else None
    answer = await eventually(taken, timeout=60, interval=0.5)
    assert answer, "the order was never taken"
    return answer


async def order_action(client: httpx.AsyncClient, order_id: str, action: str, **fields: str) -> httpx.Response:
    page = await client.get(f"/orders/{order_id}")
    assert page.status_code == 200, page.text
    etag = ETAG.search(page.text)
    return await client.post(f"/orders/{order_id}/{action}", data={
        "csrf_token": csrf_of(page), "etag": html.unescape(etag.group(1)) if etag else "", **fields})


def order_id_of(answer: httpx.Response, done: str) -> str:
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(rf"/orders/([0-9a-f-]{{36}})\?done={done}", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


async def test_from_decision_to_order_sent_confirmed_redirected_and_recalled(web_env, under_investigation,
                                                                            as_caseworker):
    env, _, web, _ = web_env
    sub, case = under_investigation
    case_id = case["id"]
    first, second = await new_provider(env), await new_provider(env)

    # The decision, from the case page's link, with the intervention from the registry's catalogue.
    page = await as_caseworker.get(f"/cases/{case_id}")
    assert f'href="/cases/{case_id}/decision"' in page.text
    form = await as_caseworker.get(f"/cases/{case_id}/decision")
    assert '<option value="home_help">Hemtjänst (SoL)</option>' in form.text
    shown_once = await decision_form(as_caseworker, case_id, scope_amount="7,5")
    made = await as_caseworker.post(f"/cases/{case_id}/decision", data=shown_once)
    assert made.status_code == 303, made.text
    (decision,) = (await read(env, sub, "registry", f"/cases/{case_id}/decisions"))["items"]
    assert made.headers["location"] == f"/cases/{case_id}?done=decision_made#beslut-{decision['id']}"
    assert (decision["status"], decision["intervention"], decision["outcome"]) == ("in_force", "home_help", "granted")
    assert (decision["reasons"], decision["legal_basis"], decision["scope_amount"]) == (REASONS, LEGAL_BASIS, "7.50")
    assert decision["communication"]["method"] == "meeting"
    shown = await as_caseworker.get(made.headers["location"])
    assert texts.DONE["decision_made"] in shown.text
    new_order = f"/cases/{case_id}/orders/new?decision_id={decision['id']}"
    assert f'href="{new_order}"' in shown.text

    # The same showing of the form posted again (a reload): the decision its first post made.
    reloaded = await as_caseworker.post(f"/cases/{case_id}/decision", data=shown_once)
    assert reloaded.status_code == 303 and reloaded.headers["location"] == made.headers["location"], reloaded.text
    # A new showing posted: the investigation is completed, so nothing more is made.
    again = await make_decision(as_caseworker, case_id)
    assert again.status_code == 409 and texts.DECISION_PROBLEMS["no_investigation"][1] in again.text \
        or again.status_code == 422 and texts.DECISION_PROBLEMS["investigation_required"][1] in again.text, again.text
    assert len((await read(env, sub, "registry", f"/cases/{case_id}/decisions"))["items"]) == 1

    # An order from the decision, posted twice (a reload) and twice at once (a double-click): one order.
    form = {**await order_form(as_caseworker, case_id, decision["id"]), "provider_id": first["id"],
            "details": "Inköp varje vecka.", "wanted_start": clock.today().isoformat()}
    order_id = order_id_of(await create_order(as_caseworker, case_id, form), "order_created")
    both = await asyncio.gather(*(as_caseworker.post(f"/cases/{case_id}/orders", data=form) for _ in range(2)))
    assert [order_id_of(b, "order_created") for b in both] == [order_id, order_id]
    (order,) = (await read(env, sub, "orders", f"/orders?case_id={case_id}"))["items"]
    assert (order["id"], order["state"], order["provider_id"]) == (order_id, "draft", first["id"])
    page = await as_caseworker.get(f"/orders/{order_id}?done=order_created")
    assert texts.DONE["order_created"] in page.text and 'id="send-submit"' in page.text

    # Sent with the ETag of the page; a recall without a reason is refused and changes nothing.
    order_id_of(await order_action(as_caseworker, order_id, "send"), "order_sent")
    assert (await read(env, sub, "orders", f"/orders/{order_id}"))["state"] == "sent"
    refused = await order_action(as_caseworker, order_id, "recall", reason="")
    assert refused.status_code == 422, refused.text
    assert f'<p class="field-error" id="recall-reason-error">{texts.CASE_ORDER_FIELD_INVALID["reason"]}' in refused.text
    assert (await read(env, sub, "orders", f"/orders/{order_id}"))["state"] == "sent"

    # The provider opens and confirms it on its own page; the caseworker can no longer recall it,
    # and a recall sent from the page as it was before (its ETag) is refused in Swedish.
    before_confirmed = await as_caseworker.get(f"/orders/{order_id}")
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as provider:
        assert (await sign_in(provider, role="provider_user", sub=f"utforare-{uuid.uuid4().hex[:6]}",
                              provider_id=first["id"])).status_code == 303
        opened = await provider.get(f"/provider/orders/{order_id}")
        assert opened.status_code == 200, opened.text
        confirmed = await provider.post(f"/provider/orders/{order_id}/confirm", data={
            "csrf_token": csrf_of(opened), "etag": html.unescape(ETAG.search(opened.text).group(1))})
        assert confirmed.status_code == 303, confirmed.text
    late = await as_caseworker.post(f"/orders/{order_id}/recall", data={
        "csrf_token": csrf_of(before_confirmed), "etag": html.unescape(ETAG.search(before_confirmed.text).group(1)),
        "reason": "För sent."})
    assert late.status_code == 412, late.text
    assert texts.CASE_ORDER_PROBLEMS["etag_mismatch"][1] in late.text
    assert f'<dd id="order-state">{texts.ORDER_STATES["confirmed"]}</dd>' in late.text  # as it is now
    assert 'id="recall-submit"' not in late.text and "För sent." not in late.text
    assert (await read(env, sub, "orders", f"/orders/{order_id}"))["state"] == "confirmed"

    # A second order, sent and opened, redirected to another provider, and the new one recalled.
    form = {**await order_form(as_caseworker, case_id, decision["id"]), "provider_id": first["id"],
            "details": "Städning varannan vecka.", "wanted_start": clock.today().isoformat()}
    other_id = order_id_of(await create_order(as_caseworker, case_id, form), "order_created")
    order_id_of(await order_action(as_caseworker, other_id, "send"), "order_sent")
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        read_by_provider = await orders.get(f"/provider/orders/{other_id}", headers=env.auth(
            "provider_user", sub="utforare", provider_id=first["id"]))
        assert read_by_provider.json()["state"] == "opened", read_by_provider.text
    page = await as_caseworker.get(f"/orders/{other_id}")
    assert f'<option value="{second["id"]}">' in page.text and f'<option value="{first["id"]}">' not in page.text
    moved_id = order_id_of(await order_action(as_caseworker, other_id, "redirect", provider_id=second["id"],
                                              reason="Den enskilde har valt en annan utförare."), "order_redirected")
    old, moved = (await read(env, sub, "orders", f"/orders/{other_id}"),
                  await read(env, sub, "orders", f"/orders/{moved_id}"))
    assert (old["state"], old["replaced_by_order_id"]) == ("recalled", moved_id)
    assert (moved["state"], moved["provider_id"], moved["replaces_order_id"]) == ("sent", second["id"], other_id)
    order_id_of(await order_action(as_caseworker, moved_id, "recall", reason="Behovet har upphört."),
                "order_recalled")
    recalled = await read(env, sub, "orders", f"/orders/{moved_id}")
    assert recalled["state"] == "recalled" and recalled["history"][-1]["reason"] == "Behovet har upphört."

    # The case page shows each order's state and links to it.
    page = await as_caseworker.get(f"/cases/{case_id}")
    for shown_id in (order_id, other_id, moved_id):
        assert f'href="/orders/{shown_id}"' in page.text
    assert page.text.count(f"<dd>{texts.ORDER_STATES['recalled']}</dd>") == 2
    assert f"<dd>{texts.ORDER_STATES['confirmed']}</dd>" in page.text


async def test_a_decision_without_reasons_or_intervention_is_refused_in_swedish_and_makes_nothing(
        web_env, under_investigation, as_caseworker):
    env, _, _, _ = web_env
    sub, case = under_investigation
    refused = await make_decision(as_caseworker, case["id"], reasons="  ")
    assert refused.status_code == 422, refused.text
    message = texts.DECISION_PROBLEMS["reasons_missing"][1]
    assert f'<p class="field-error" id="decision-reasons-error">{message}</p>' in refused.text
    assert f'<li><a href="#decision-reasons">{message}</a></li>' in refused.text  # the summary
    textarea = re.search(r'<textarea id="decision-reasons"[^>]*>', refused.text).group(0)
    assert 'aria-invalid="true"' in textarea and "decision-reasons-error" in textarea
    assert f'value="{LEGAL_BASIS}"' in refused.text  # what was typed is kept

    refused = await make_decision(as_caseworker, case["id"], intervention="")
    assert refused.status_code == 422, refused.text
    assert (f'<p class="field-error" id="decision-intervention-error">{texts.DECISION_FIELD_INVALID["intervention"]}'
            in refused.text)
    assert REASONS in refused.text

    refused = await make_decision(as_caseworker, case["id"], communicated="no")
    assert refused.status_code == 422, refused.text
    assert texts.DECISION_PROBLEMS["communication_reason_missing"][1] in refused.text

    assert (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"] == []
    investigations = (await read(env, sub, "registry", f"/cases/{case['id']}/investigations"))["items"]
    assert [i["completed_on"] for i in investigations] == [None]


async def test_a_decision_form_posted_twice_at_once_makes_one_decision(web_env, under_investigation,
                                                                     as_caseworker):
    """A double-click: the registry locks the case, so the second finds the investigation the first
    completed and makes nothing; the page says so in Swedish."""
    env, _, _, _ = web_env
    sub, case = under_investigation
    page = await as_caseworker.get(f"/cases/{case['id']}/decision")
    form = {"csrf_token": csrf_of(page), **decision_fields()}
    both = await asyncio.gather(*(as_caseworker.post(f"/cases/{case['id']}/decision", data=form) for _ in range(2)))
    assert sorted(b.status_code for b in both) == [303, 422], [b.text for b in both]
    refused = next(b for b in both if b.status_code == 422)
    assert texts.DECISION_PROBLEMS["investigation_required"][1] in refused.text
    assert len((await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"]) == 1


async def test_a_decision_above_the_makers_delegation_waits_for_approval(web_env, under_investigation,
                                                                         as_caseworker):
    env, _, _, _ = web_env
    sub, case = under_investigation
    made = await make_decision(as_caseworker, case["id"], scope_amount="200")
    assert made.status_code == 303, made.text
    assert "done=decision_awaiting_approval" in made.headers["location"]
    (decision,) = (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"]
    assert decision["status"] == "awaiting_approval"
    page = await as_caseworker.get(made.headers["location"])
    assert texts.DONE["decision_awaiting_approval"] in page.text
    assert "Väntar på attest" in page.text and f"orders/new?decision_id={decision['id']}" not in page.text


async def test_an_intervention_the_unit_carries_out_itself_is_not_ordered(web_env, under_investigation,
                                                                         as_caseworker):
    env, _, _, _ = web_env
    sub, case = under_investigation
    made = await make_decision(as_caseworker, case["id"], intervention="financial_assistance", scope_amount="4 500")
    assert made.status_code == 303, made.text
    (decision,) = (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"]
    assert (decision["intervention"], decision["scope_amount"]) == ("financial_assistance", "4500.00")
    page = await as_caseworker.get(f"/cases/{case['id']}/orders/new", params={"decision_id": decision["id"]})
    assert page.status_code == 200 and "Ingen utförare erbjuder" in page.text
    form = {**await order_form(as_caseworker, case["id"], decision["id"]), "provider_id": str(uuid.uuid4()),
            "details": "Utbetalning.", "wanted_start": clock.today().isoformat()}
    refused = await as_caseworker.post(f"/cases/{case['id']}/orders", data=form)
    assert refused.status_code == 422 and texts.CASE_ORDER_PROBLEMS["intervention_not_ordered"][1] in refused.text
    assert (await read(env, sub, "orders", f"/orders?case_id={case['id']}"))["items"] == []


async def test_an_order_without_a_provider_is_refused_and_makes_nothing(web_env, caseworkers_day):
    env, _, web, _ = web_env
    sub, order = caseworkers_day["anna"], caseworkers_day["order"]
    before = (await read(env, sub, "orders", f"/orders?case_id={order['case_id']}"))["items"]
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=sub)).status_code == 303
        form = {**await order_form(client, order["case_id"], order["decision_id"]), "provider_id": "",
                "details": "Inköp.", "wanted_start": clock.today().isoformat()}
        refused = await client.post(f"/cases/{order['case_id']}/orders", data=form)
        assert refused.status_code == 422, refused.text
        assert (f'<p class="field-error" id="order-provider-error">{texts.CASE_ORDER_FIELD_INVALID["provider_id"]}'
                in refused.text)
        assert '<li><a href="#order-provider">' in refused.text and "Inköp.</textarea>" in refused.text
        assert KEY.search(refused.text).group(1) != form["idempotency_key"]  # nothing was made: a new request
    assert (await read(env, sub, "orders", f"/orders?case_id={order['case_id']}"))["items"] == before


async def test_what_does_not_exist_is_said_in_swedish(web_env, under_investigation, as_caseworker):
    _, case = under_investigation
    nothing = str(uuid.uuid4())
    for path, message in ((f"/cases/{nothing}/decision", texts.NOT_FOUND["case_not_found"]),
                          (f"/cases/{case['id']}/orders/new?decision_id={nothing}",
                           texts.NOT_FOUND["decision_not_found"]),
                          (f"/orders/{nothing}", texts.NOT_FOUND["order_not_found"]),
                          ("/orders/not-an-id", "Det finns ingen sida på den här adressen.")):
        page = await as_caseworker.get(path)
        assert page.status_code == 404 and message in page.text, (path, page.text)
    page = await as_caseworker.get(f"/cases/{case['id']}")
    refused = await as_caseworker.post(f"/orders/{nothing}/recall", data={
        "csrf_token": csrf_of(page), "etag": '"1"', "reason": "Finns inte."})
    assert refused.status_code == 404 and texts.NOT_FOUND["order_not_found"] in refused.text


@pytest.mark.parametrize("role", ["provider_user", "citizen"])
async def test_a_provider_or_a_citizen_is_refused_the_forms(web_env, caseworkers_day, under_investigation, role):
    env, _, web, _ = web_env
    sub, case = under_investigation
    order = caseworkers_day["order"]
    provider = await new_provider(env)
    extra = {"provider_id": provider["id"]} if role == "provider_user" else {"pin": make_pin()}
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, role=role, sub=f"fel-{uuid.uuid4().hex[:6]}", **extra)).status_code == 303
        page = await client.get(f"/cases/{case['id']}/decision")
        assert page.status_code == 403 and "Du har inte behörighet" in page.text, page.text
        csrf = csrf_of(page)  # the sign-out form's, on every page
        refused = await client.post(f"/cases/{case['id']}/decision", data={"csrf_token": csrf, **decision_fields()})
        assert refused.status_code == 403 and texts.PROBLEMS["forbidden"] in refused.text
        page = await client.get(f"/cases/{order['case_id']}/orders/new", params={"decision_id": order["decision_id"]})
        assert page.status_code == 403
        refused = await client.post(f"/cases/{order['case_id']}/orders", data={
            "csrf_token": csrf, "idempotency_key": uuid.uuid4().hex, "decision_id": order["decision_id"],
            "provider_id": provider["id"], "details": "Fel roll.", "wanted_start": clock.today().isoformat()})
        assert refused.status_code == 403
        assert (await client.get(f"/orders/{order['id']}")).status_code in (403, 404)
        refused = await client.post(f"/orders/{order['id']}/recall", data={
            "csrf_token": csrf, "etag": '"1"', "reason": "Fel roll."})
        assert refused.status_code == 403
    assert (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"] == []
    now = await read(env, caseworkers_day["anna"], "orders", f"/orders/{order['id']}")
    assert now["state"] == order["state"] and now["recalled_at"] is None


async def test_the_forms_without_the_csrf_token_are_refused(web_env, under_investigation, caseworkers_day,
                                                            as_caseworker):
    env, _, _, _ = web_env
    sub, case = under_investigation
    order = caseworkers_day["order"]
    day = caseworkers_day["anna"]
    before = (await read(env, day, "orders", f"/orders?case_id={order['case_id']}"))["items"]
    for fields in ({}, {"csrf_token": "gissad"}):
        refused = await as_caseworker.post(f"/cases/{case['id']}/decision", data={**decision_fields(), **fields})
        assert refused.status_code == 403 and texts.PROBLEMS["csrf"] in refused.text
        refused = await as_caseworker.post(f"/cases/{order['case_id']}/orders", data={
            **fields, "idempotency_key": uuid.uuid4().hex, "decision_id": order["decision_id"],
            "provider_id": order["provider_id"], "details": "Utan kod.", "wanted_start": clock.today().isoformat()})
        assert refused.status_code == 403
        refused = await as_caseworker.post(f"/orders/{order['id']}/recall", data={**fields, "reason": "Utan kod."})
        assert refused.status_code == 403
    assert (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"] == []
    assert (await read(env, day, "orders", f"/orders?case_id={order['case_id']}"))["items"] == before


async def choose(page, select_id: str, value: str) -> None:
    """Choose an option of a select with the keyboard: Tab to it, then the arrow down to the option."""
    await tab_to(page, select_id, most=60)
    index = await page.evaluate("([id, value]) => [...document.getElementById(id).options]"
                                ".findIndex(o => o.value === value)", [select_id, value])
    assert index > 0, f"no option {value} in #{select_id}"
    for _ in range(index):
        await page.keyboard.press("ArrowDown")
    assert await page.locator(f"#{select_id}").input_value() == value


async def type_into(page, field_id: str, text: str) -> None:
    await tab_to(page, field_id, most=60)
    await page.keyboard.type(text)


async def test_the_decision_and_order_forms_with_the_keyboard_alone_and_no_wcag_violations(
        web_env, under_investigation, chromium):
    env, _, web, _ = web_env
    sub, case = under_investigation
    provider = await new_provider(env)
    today = clock.today().isoformat()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, sub)
            await page.goto(f"{web.url}/cases/{case['id']}")
            await tab_to_link(page, f"/cases/{case['id']}/decision")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Fatta beslut")

            # Sent without an intervention: the error beside the field and in the summary.
            await submit_with_enter(page, "decision-submit")
            await page.locator("#decision-intervention-error").wait_for()
            assert await page.locator("#decision-intervention").get_attribute("aria-invalid") == "true"
            assert "Det finns fel i formuläret" in await page.get_by_role("alert").inner_text()
            await check(page, "Fatta beslut med fel")

            await choose(page, "decision-intervention", "home_help")
            await tab_to(page, "decision-outcome-granted", most=60)  # Bifall is chosen: Tab goes on
            await type_into(page, "decision-reasons", REASONS)
            await type_into(page, "decision-legal-basis", LEGAL_BASIS)
            await type_into(page, "decision-scope-amount", "24")
            await tab_to(page, "decision-communicated-yes", most=60)
            await page.keyboard.press("Space")
            await type_into(page, "decision-communicated-on", today)
            await choose(page, "decision-method", "meeting")
            await submit_with_enter(page, "decision-submit")
            assert texts.DONE["decision_made"] in await page.get_by_role("status").inner_text()
            await check(page, "Ärende efter beslut")

            # The order from the decision: first without a provider, then with one.
            (decision,) = (await read(env, sub, "registry", f"/cases/{case['id']}/decisions"))["items"]
            await tab_to_link(page, f"/cases/{case['id']}/orders/new?decision_id={decision['id']}", most=80)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Ny beställning")
            await type_into(page, "order-details", "Inköp och städning varje vecka.")
            await submit_with_enter(page, "order-submit")
            await page.locator("#order-provider-error").wait_for()
            await check(page, "Ny beställning med fel")
            await choose(page, "order-provider", provider["id"])
            for _ in range(60):  # until the orders service has heard of the decision, as a person tries again
                await submit_with_enter(page, "order-submit")
                if "/orders/" in page.url:
                    break
                await page.wait_for_timeout(500)
            assert texts.DONE["order_created"] in await page.get_by_role("status").inner_text()
            await check(page, "Beställning utkast")
            order_id = page.url.split("/orders/", 1)[1].split("?", 1)[0]

            await submit_with_enter(page, "send-submit")
            assert texts.DONE["order_sent"] in await page.get_by_role("status").inner_text()
            await check(page, "Beställning skickad")
            await submit_with_enter(page, "recall-submit")  # without a reason
            await page.locator("#recall-reason-error").wait_for()
            await check(page, "Återkalla beställning utan skäl")
            await type_into(page, "recall-reason", "Behovet har upphört.")
            await submit_with_enter(page, "recall-submit")
            assert texts.DONE["order_recalled"] in await page.get_by_role("status").inner_text()
            await check(page, "Beställning återkallad")
        finally:
            await browser.close()
    order = await read(env, sub, "orders", f"/orders/{order_id}")
    assert (order["state"], order["provider_id"], order["details"]) == ("recalled", provider["id"],
                                                                          "Inköp och städning varje vecka.")
    assert decision["scope_amount"] == "24.00" and decision["reasons"] == REASONS
