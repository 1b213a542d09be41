"""The whole flow of `make demo` (demo/flow.py) played through the web's screens in Chromium, from
intake to the reimbursement basis: a caseworker searches a number nobody has, registers the person,
opens a case, starts the investigation, makes the decision, writes a note and corrects it, creates an
order to provider A and sends it. A leaves it unconfirmed: the watch's clock (the only one that
moves, POST /admin/clock, dev and test only) is moved to two business days after the sending, and
the caseworker's start page lists the watch on the order (Mina bevakningar). The caseworker
redirects the order to provider B, which resolves that watch; B's user opens, confirms, starts and
reports delivered time, after which the start page lists no watch on the case's orders; B's user
and a supervisor read the reimbursement basis with that time. axe-core finds no WCAG 2.1 AA
violation on any new screen (empty, with errors, after sending, the start page with the watch). At
the end the services hold what the screens said, and the watch on A's order was resolved by its
recall."""
import uuid
from datetime import datetime, timedelta

import httpx
from playwright.async_api import async_playwright

from demo.flow import REMINDER_AFTER
from services.web import formats, months, texts
from tests import clock
from tests.integration.web.accessibility import check
from tests.integration.web.conftest import backend, new_provider
from tests.integration.web.test_accessibility import browser_sign_in
from tests.pins import make_pin

REASONS = "Karin har behov av hjälp med inköp och städning för att uppnå en skälig levnadsnivå."
LEGAL_BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"
NOTE = "Hembesök. Karin berättade att hon behöver hjälp med inköp och städning."
CORRECTED = "Hembesök med sonen. Karin berättade att hon behöver hjälp med inköp och städning."
DETAILS = "Hjälp med inköp och städning, två gånger i veckan."
DELIVERED_MINUTES = (90, 60)
ORDER_UNCONFIRMED = texts.WATCH_KINDS["order_unconfirmed"]


async def submit(page, button_id: str) -> None:
    """Send a form with its button, from the keyboard."""
    await page.locator(f"#{button_id}").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def done(page, key: str) -> None:
    assert texts.DONE[key] in await page.get_by_role("status").inner_text(), await page.content()


async def read(env, auth: dict, service: str, method: str, path: str, **kwargs) -> dict:
    async with httpx.AsyncClient(base_url=backend(env, service).url, timeout=60) as client:
        answer = await client.request(method, path, headers=auth, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def move_watch_clock(env, to: datetime) -> None:
    """The watch's clock moved forward to `to` (POST /admin/clock, dev and test only), as `make demo`
    does. A test earlier in the run may have moved it further already (409 clock_backwards): then
    what is due by `to` fires by itself."""
    async with httpx.AsyncClient(base_url=backend(env, "watch").url, timeout=60) as client:
        moved = await client.post("/admin/clock", json={"now": to.isoformat()},
                                  headers=env.auth("service", sub="test-clock"))
    assert moved.status_code == 200 or (moved.status_code == 409
                                        and moved.json().get("code") == "clock_backwards"), moved.text


def order_watches(page, case_id: str):
    """The rows of the start page's "Mina bevakningar" that are an order of the case unconfirmed."""
    table = page.get_by_role("table", name="Mina bevakningar, de mest brådskande först")
    return table.locator("tbody tr").filter(has_text=ORDER_UNCONFIRMED).filter(
        has=page.locator(f'a[href="/cases/{case_id}"]'))


async def start_page_until(page, web, case_id: str, listed: int) -> None:
    """The start page, shown again (as a person reloads it) until it lists `listed` watches on the
    case's orders: the watch hears of the orders' events a moment after they happen."""
    for _ in range(120):
        await page.goto(f"{web.url}/")
        if await order_watches(page, case_id).count() == listed:
            return
        await page.wait_for_timeout(500)
    raise AssertionError(f"the start page never listed {listed} watch(es) on the case's orders:\n"
                         f"{await page.locator('#bevakningar').locator('..').inner_text()}")


async def test_the_whole_flow_through_the_screens(web_env, chromium):
    env, _, web, _ = web_env
    caseworker = f"anna-{uuid.uuid4().hex[:6]}"
    auth = env.auth("caseworker", sub=caseworker, unit="vuxen")
    provider_a, provider_b = await new_provider(env), await new_provider(env)
    pin = make_pin()
    today = clock.today().isoformat()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await (await browser.new_context(locale="sv-SE")).new_page()
            await browser_sign_in(page, web, caseworker)

            # Intake: a valid number nobody has, registered with the number carried over.
            await page.goto(f"{web.url}/persons/search")
            await page.locator("#pin").fill(pin)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            assert "ingen person med det numret finns" in await page.get_by_role("status").inner_text()
            await check(page, "Sök person ingen träff")
            await submit(page, "register-person")
            assert await page.locator("#person-pin").input_value() == pin
            await check(page, "Registrera person")
            await submit(page, "person-submit")  # without a name
            await page.locator("#person-first-name-error").wait_for()
            assert await page.locator("#person-first-name").get_attribute("aria-invalid") == "true"
            await check(page, "Registrera person med fel")
            await page.locator("#person-first-name").fill("Karin")
            await page.locator("#person-last-name").fill("Berg")
            await submit(page, "person-submit")
            await done(page, "person_registered")
            await check(page, "Person registrerad")
            person_url = page.url
            # The number registered again: one person, and the form says she is registered.
            await page.goto(f"{web.url}/persons/new")
            await check(page, "Registrera person utan sökning")
            await page.locator("#person-pin").fill(pin)
            await page.locator("#person-first-name").fill("Karin")
            await page.locator("#person-last-name").fill("Berg")
            await submit(page, "person-submit")
            assert texts.PERSON_PROBLEMS["person_exists"][1] in await page.get_by_role("alert").inner_text()
            await check(page, "Registrera person som redan finns")
            async with page.expect_navigation():
                await page.get_by_role("link", name="Karin Berg").click()
            assert page.url.split("?")[0] == person_url.split("?")[0]

            # A case about her, in the caseworker's unit.
            await submit(page, "case-submit")  # without a kind
            await page.locator("#case-kind-error").wait_for()
            await check(page, "Öppna ärende med fel")
            await page.locator("#case-kind").select_option("SoL")
            await submit(page, "case-submit")
            await done(page, "case_opened")
            await check(page, "Ärende öppnat")
            case_id = page.url.split("/cases/", 1)[1].split("?", 1)[0]

            # The case open in a second tab too: the investigation started in both, one is started.
            second_tab = await page.context.new_page()
            await second_tab.goto(page.url)
            await submit(page, "start-investigation")
            await done(page, "investigation_started")
            assert await page.locator("#start-investigation").count() == 0
            await check(page, "Ärende utredning inledd")
            await submit(second_tab, "start-investigation")
            problem = texts.INVESTIGATION_PROBLEMS["investigation_ongoing"]
            assert problem in await second_tab.get_by_role("alert").inner_text()
            await check(second_tab, "Ärende utredning redan inledd")
            await second_tab.close()

            # The decision, its basis communicated first.
            await page.goto(f"{web.url}/cases/{case_id}/decision")
            await page.locator("#decision-intervention").select_option("home_help")
            await page.locator("#decision-reasons").fill(REASONS)
            await page.locator("#decision-legal-basis").fill(LEGAL_BASIS)
            await page.locator("#decision-scope-amount").fill("12")
            await page.locator("#decision-communicated-yes").check()
            await page.locator("#decision-communicated-on").fill(today)
            await page.locator("#decision-method").select_option("letter")
            await submit(page, "decision-submit")
            await done(page, "decision_made")

            # A note, and its correction.
            await page.locator("#note-text").fill(NOTE)
            await page.locator("#note-source-person").check()
            for _ in range(60):  # until the journal has heard of the case, as a person tries again
                await submit(page, "note-submit")
                if "done=note_written" in page.url:
                    break
                await page.wait_for_timeout(500)
            await done(page, "note_written")
            async with page.expect_navigation():
                await page.get_by_role("link", name="Rätta anteckningen").click()
            await page.locator("#correction-text").fill(CORRECTED)
            await page.locator("#correction-reason").fill("Sonen var med vid hembesöket.")
            await submit(page, "correction-submit")
            await done(page, "note_corrected")

            # The order to provider A, sent, then redirected to provider B.
            decisions = await read(env, auth, "registry", "GET", f"/cases/{case_id}/decisions")
            (decision,) = decisions["items"]
            await page.goto(f"{web.url}/cases/{case_id}/orders/new?decision_id={decision['id']}")
            await page.locator("#order-provider").select_option(provider_a["id"])
            await page.locator("#order-details").fill(DETAILS)
            for _ in range(60):  # until the orders service has heard of the decision
                await submit(page, "order-submit")
                if "/orders/" in page.url:
                    break
                await page.wait_for_timeout(500)
            await done(page, "order_created")
            order_a = page.url.split("/orders/", 1)[1].split("?", 1)[0]
            await submit(page, "send-submit")
            await done(page, "order_sent")
            order_page = page.url.split("?", 1)[0]

            # A leaves the order unconfirmed: two business days after the sending (the watch's clock
            # moved there), the watch on it is on the caseworker's start page.
            sent_at = datetime.fromisoformat((await read(env, auth, "orders", "GET", f"/orders/{order_a}"))["sent_at"])
            await move_watch_clock(env, REMINDER_AFTER.from_moment(sent_at) + timedelta(seconds=0.5))
            await start_page_until(page, web, case_id, listed=1)
            (watch,) = [w for w in (await read(env, auth, "watch", "GET", "/watches", params={"limit": 200}))["items"]
                        if w["subject_id"] == order_a]
            assert (watch["kind"], watch["case_id"]) == ("order_unconfirmed", case_id), watch
            row = await order_watches(page, case_id).inner_text()
            assert ORDER_UNCONFIRMED in row and formats.swedish_date(watch["due_on"]) in row, row
            await check(page, "Startsida med bevakning på beställning")

            # The caseworker redirects it to B, which resolves the watch on A's order.
            await page.goto(order_page)
            await page.locator("#redirect-provider").select_option(provider_b["id"])
            await page.locator("#redirect-reason").fill("Utförare A har inte svarat.")
            await submit(page, "redirect-submit")
            await done(page, "order_redirected")
            order_b = page.url.split("/orders/", 1)[1].split("?", 1)[0]
            assert order_b != order_a

            # Provider B's user: opens, confirms, starts, reports delivered time.
            provider_page = await (await browser.new_context(locale="sv-SE")).new_page()
            await browser_sign_in(provider_page, web, f"utforare-{uuid.uuid4().hex[:6]}", role="provider_user",
                                  provider_id=provider_b["id"])
            await provider_page.goto(f"{web.url}/provider/orders")
            async with provider_page.expect_navigation():
                await provider_page.locator(f'a[href="/provider/orders/{order_b}"]').click()
            await submit(provider_page, "confirm-submit")
            await done(provider_page, "order_confirmed")
            # No watch on the case's orders is left on the caseworker's list: A's was resolved by the
            # redirect, and B's, which the moved clock may have raised at once (B's order looks two
            # business days old to the watch a moment after it was sent), by the confirmation.
            await start_page_until(page, web, case_id, listed=0)
            await submit(provider_page, "start-submit")  # today, as offered
            await done(provider_page, "order_started")
            for minutes in DELIVERED_MINUTES:
                await provider_page.locator("#delivery-quantity").fill(str(minutes))
                await submit(provider_page, "delivery-submit")
                await done(provider_page, "delivery_reported")

            # The reimbursement basis, as provider B's user and as a supervisor.
            shown_in = {months.of(clock.today())}
            async with provider_page.expect_navigation():
                await provider_page.get_by_role("link", name="Ersättningsunderlag").click()
            shown_in.add(months.of(clock.today()))
            total = sum(DELIVERED_MINUTES)
            assert f"{total} minuter" in await provider_page.locator("table").inner_text()
            await check(provider_page, "Ersättningsunderlag utförare")

            supervisor = await (await browser.new_context(locale="sv-SE")).new_page()
            await browser_sign_in(supervisor, web, f"greta-{uuid.uuid4().hex[:6]}", role="supervisor")
            async with supervisor.expect_navigation():
                await supervisor.get_by_role("link", name="Ersättningsunderlag").first.click()
            await check(supervisor, "Ersättningsunderlag välj utförare")
            await supervisor.goto(f"{web.url}/reimbursements?month=2026-13")
            await check(supervisor, "Ersättningsunderlag fel månad")
            await supervisor.goto(f"{web.url}/reimbursements")
            await supervisor.locator("#provider").select_option(provider_b["id"])
            await submit(supervisor, "period-submit")
            assert f"{total} minuter" in await supervisor.locator("table").inner_text()
            await check(supervisor, "Ersättningsunderlag arbetsledare")
            supervisor_total = await supervisor.locator("#basis-total").inner_text()
        finally:
            await browser.close()

    # What the services hold.
    (person,) = (await read(env, auth, "registry", "POST", "/persons/search", json={"pin": pin}))["items"]
    assert (person["first_name"], person["last_name"]) == ("Karin", "Berg")
    case = await read(env, auth, "registry", "GET", f"/cases/{case_id}")
    assert (case["person_id"], case["kind"], case["unit"], case["caseworker"], case["status"]) == (
        person["id"], "SoL", "vuxen", caseworker, "open")
    (investigation,) = (await read(env, auth, "registry", "GET", f"/cases/{case_id}/investigations"))["items"]
    assert investigation["completed_on"] is not None  # completed by the decision
    decision = await read(env, auth, "registry", "GET", f"/decisions/{decision['id']}")
    assert (decision["status"], decision["intervention"], decision["reasons"]) == ("in_force", "home_help", REASONS)
    (note,) = (await read(env, auth, "journal", "GET", f"/cases/{case_id}/notes"))["items"]
    assert note["current_version"] == 2
    assert [(v["version"], v["text"], v["struck"]) for v in note["versions"]] == [(2, CORRECTED, False),
                                                                                  (1, NOTE, True)]
    first = await read(env, auth, "orders", "GET", f"/orders/{order_a}")
    second = await read(env, auth, "orders", "GET", f"/orders/{order_b}")
    assert (first["state"], first["provider_id"]) == ("recalled", provider_a["id"])
    assert (second["state"], second["provider_id"], second["details"]) == ("started", provider_b["id"], DETAILS)
    assert {"confirm", "start"} <= {h["action"] for h in second["history"]} and second["started_on"] is not None
    basis = await read(env, env.auth("supervisor", "greta", unit="vuxen"), "orders", "GET", "/reimbursements",
                       params={"provider_id": provider_b["id"], "month": months.of(clock.today())})
    assert basis["month"] in shown_in
    (line,) = basis["items"]
    assert (line["order_id"], line["measure"], line["quantity"], line["reports"]) == (
        order_b, "minutes", sum(DELIVERED_MINUTES), len(DELIVERED_MINUTES))
    assert supervisor_total == formats.swedish_kronor(basis["total_ore"]) and basis["total_ore"] > 0
    resolved = await read(env, auth, "watch", "GET", f"/watches/{watch['id']}")
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "order.recalled"), resolved
