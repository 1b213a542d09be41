"""Every screen of the web in the real browser (Debian's Chromium, driven by Playwright), checked by
axe-core against WCAG 2.1 A and AA with zero violations allowed (tests/integration/web/accessibility.py
saves a screenshot of each and prints its results), in the states a person meets: empty and filled,
with a form's errors shown, after a confirmation. The provider's, the citizen's and the supervisor's
actions are also done with the keyboard alone, as a person who uses no mouse does them (the
caseworker's in test_browser.py)."""
import time

import httpx
import pytest
from playwright.async_api import async_playwright

from tests import clock
from tests.integration.web.accessibility import check
from tests.integration.web.conftest import (
    backend,
    browser_sign_in,
    new_provider,
    recall_order,
    send_order,
    tab_to,
    tab_to_link,
)


async def submit_with_enter(page, button_id: str) -> None:
    await tab_to(page, button_id, most=40)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def test_the_check_fails_on_a_page_that_breaks_wcag(chromium):
    """The check itself can fail: a page without a language and with a field without a label."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page()
            await page.set_content("<html><head><title>Fel</title></head><body><main><h1>Fel</h1>"
                                   "<input type='text' name='pin'><img src='x.png'></main></body></html>")
            with pytest.raises(AssertionError) as failed:
                await check(page, "Sida med fel")
        finally:
            await browser.close()
    for rule in ("html-has-lang", "label", "image-alt"):
        assert f'"rule": "{rule}"' in str(failed.value)


async def test_the_caseworkers_screens_have_no_wcag_violations(web_env, caseworkers_day, citizens_own, chromium):
    _, _, web, _ = web_env
    case = caseworkers_day["case"]
    started = time.monotonic()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await page.goto(f"{web.url}/sign-in")
            await check(page, "Inloggning")
            # The development issuer's page, where a person is picked (production has the municipality's).
            async with page.expect_navigation():
                await page.get_by_role("link", name="Logga in").click()
            await check(page, "Inloggning, utvecklingsinloggningen")
            await page.get_by_label("Roll").select_option("provider_user")
            async with page.expect_navigation():
                await page.get_by_role("button", name="Logga in").click()
            await page.get_by_role("alert").wait_for()
            await check(page, "Inloggning med fel")

            await browser_sign_in(page, web, caseworkers_day["anna"])
            await check(page, "Startsida handläggare")
            await page.goto(f"{web.url}/persons/search")
            await check(page, "Sök person")
            await page.get_by_label("Personnummer eller samordningsnummer").fill("19121212-1213")
            async with page.expect_navigation():
                await page.get_by_role("button", name="Sök").click()
            await check(page, "Sök person ogiltigt nummer")
            await page.get_by_label("Personnummer eller samordningsnummer").fill(citizens_own["pin"])
            async with page.expect_navigation():
                await page.get_by_role("button", name="Sök").click()
            await page.get_by_text("Tilda").first.wait_for()
            await check(page, "Sök person träff")

            await page.goto(f"{web.url}/cases/{case['id']}")
            await check(page, "Ärende")
            async with page.expect_navigation():
                await page.locator("#note-submit").click()  # the form as offered: no text, no source
            await page.locator(".field-error").first.wait_for()
            await check(page, "Ärende med fel i anteckningsformuläret")
            await page.goto(f"{web.url}/inquiries/{caseworkers_day['application']['id']}")
            await check(page, "Aktualisering")
            await page.goto(f"{web.url}/notes/{caseworkers_day['note']['id']}/correction")
            await check(page, "Rätta anteckning")
            await page.goto(f"{web.url}/cases/00000000-0000-7000-8000-000000000000")
            await check(page, "Felsida")
            async with page.expect_navigation():  # from every page's footer
                await page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
            await check(page, "Tillgänglighetsredogörelse")
        finally:
            await browser.close()
    print(f"caseworker's screens: {time.monotonic() - started:.1f} s")


async def test_the_providers_screens_have_no_wcag_violations_and_work_with_the_keyboard(
        web_env, caseworkers_day, chromium):
    env, _, web, _ = web_env
    provider = await new_provider(env)
    order = await send_order(env, caseworkers_day, provider, details="Inköp varje tisdag.")
    second = await send_order(env, caseworkers_day, provider)
    recalled = await send_order(env, caseworkers_day, provider)
    today = clock.today().isoformat()
    started = time.monotonic()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, "utforare-beta", role="provider_user", provider_id=provider["id"])
            assert page.url == f"{web.url}/provider/orders"
            await check(page, "Utförare inkorg")

            # Open the order from the inbox, confirm, start and report time: the keyboard alone.
            await tab_to_link(page, f"/provider/orders/{order['id']}")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Utförare beställning öppnad")
            await submit_with_enter(page, "confirm-submit")
            assert "Beställningen är bekräftad" in await page.get_by_role("status").inner_text()
            await check(page, "Utförare beställning bekräftad")
            await tab_to(page, "start-on")
            assert await page.locator("#start-on").input_value() == today  # offered: the web's today
            await submit_with_enter(page, "start-submit")
            assert "påbörjad" in await page.get_by_role("status").inner_text()
            await check(page, "Utförare beställning påbörjad")
            await tab_to(page, "delivered-on")
            await tab_to(page, "delivery-measure-minutes")
            await tab_to(page, "delivery-quantity")
            await page.keyboard.type("sju")
            await submit_with_enter(page, "delivery-submit")
            await page.locator("#delivery-quantity-error").wait_for()
            assert await page.locator("#delivery-quantity").get_attribute("aria-invalid") == "true"
            await check(page, "Utförare tidrapport med fel")
            await tab_to(page, "delivery-quantity")
            await page.keyboard.press("Control+A")
            await page.keyboard.type("75")
            await submit_with_enter(page, "delivery-submit")
            assert "utförda tiden är rapporterad" in await page.get_by_role("status").inner_text()

            # Reject the second with the keyboard: first without a reason, then with one.
            await page.goto(f"{web.url}/provider/orders/{second['id']}")
            await submit_with_enter(page, "reject-submit")
            await page.locator("#reject-reason-error").wait_for()
            await check(page, "Utförare avvisa utan skäl")
            await tab_to(page, "reject-reason")
            await page.keyboard.type("Vi har ingen personal i området.")
            await submit_with_enter(page, "reject-submit")
            assert "avvisad" in await page.get_by_role("status").inner_text()

            await page.goto(f"{web.url}/provider/orders/{recalled['id']}")
            await recall_order(env, caseworkers_day, recalled["id"])
            await page.reload()
            await page.get_by_text("Beställningen är återkallad").wait_for()
            assert await page.locator("main form").count() == 0
            await check(page, "Utförare återkallad beställning")
        finally:
            await browser.close()
    print(f"provider's screens: {time.monotonic() - started:.1f} s")
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=30) as orders:
        auth = env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen")
        states = [(await orders.get(f"/orders/{o['id']}", headers=auth)).json()["state"]
                  for o in (order, second, recalled)]
    assert states == ["started", "rejected", "recalled"]


async def test_the_citizens_screens_have_no_wcag_violations_and_work_with_the_keyboard(
        web_env, caseworkers_day, citizens_own, chromium):
    _, _, web, _ = web_env
    note_id = citizens_own["note"]["id"]
    text = "Jag vill tillägga att min dotter hjälper mig med tvätten."
    started = time.monotonic()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, "tilda", role="citizen", pin=citizens_own["pin"])
            assert page.url == f"{web.url}/me"
            await check(page, "Mina sidor")

            await tab_to_link(page, f"/me/notes/{note_id}/comment", most=80)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Mina sidor kommentar")
            await submit_with_enter(page, "comment-submit")
            await page.locator("#comment-text-error").wait_for()
            await check(page, "Mina sidor kommentar utan text")
            await tab_to(page, "comment-text")
            await page.keyboard.type(text)
            await submit_with_enter(page, "comment-submit")
            assert "Din kommentar är sparad" in await page.get_by_role("status").inner_text()
            assert text in await page.locator(f"#anteckning-{note_id}").inner_text()
            await check(page, "Mina sidor efter kommentar")
        finally:
            await browser.close()
    print(f"citizen's screens: {time.monotonic() - started:.1f} s")


async def test_the_supervisors_screens_have_no_wcag_violations_and_work_with_the_keyboard(
        web_env, awaiting_approval, unexecuted, chromium):
    _, _, web, _ = web_env
    decision, case = awaiting_approval["decision"], awaiting_approval["case"]
    started = time.monotonic()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, awaiting_approval["supervisor"], role="supervisor")
            await page.get_by_role("heading", level=2, name="Enhetens översikt").wait_for()
            await check(page, "Startsida arbetsledare")

            # From the unit's cases to the decision waiting for approval, and approved: the keyboard alone.
            await tab_to_link(page, f"/cases/{case['id']}", most=200)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Ärende med beslut som väntar på attest")
            await tab_to_link(page, f"/decisions/{decision['id']}/approval", most=80)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Attest av beslut")
            await submit_with_enter(page, "refuse-submit")  # without a reason
            await page.locator("#refusal-reason-error").wait_for()
            await check(page, "Attest nekad utan skäl")
            await submit_with_enter(page, "approve-submit")
            assert "Beslutet är attesterat" in await page.get_by_role("status").inner_text()
            assert page.url.endswith(f"#beslut-{decision['id']}")

            # The case handed over to another caseworker of the unit: the keyboard alone.
            await page.goto(f"{web.url}/cases/{case['id']}")
            await tab_to_link(page, f"/cases/{case['id']}/reassign", most=40)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await check(page, "Byt handläggare")
            await submit_with_enter(page, "reassign-submit")  # nobody chosen, no reason
            await page.locator("#reassign-reason-error").wait_for()
            assert await page.locator("#reassign-caseworker").get_attribute("aria-invalid") == "true"
            await check(page, "Byt handläggare utan val och skäl")
            await tab_to(page, "reassign-caseworker")
            await page.keyboard.press("ArrowDown")  # the first of the unit's staff
            chosen = await page.locator("#reassign-caseworker").input_value()
            assert chosen and chosen != awaiting_approval["maker"]
            await tab_to(page, "reassign-reason")
            await page.keyboard.type("Maja går på föräldraledighet.")
            await submit_with_enter(page, "reassign-submit")
            assert "ny ansvarig handläggare" in await page.get_by_role("status").inner_text()
            assert chosen in await page.locator("main").inner_text()

            # The report to IVO of a supervisor of unit barn, and another quarter chosen: the keyboard alone.
            async with page.expect_navigation():
                await page.get_by_role("button", name="Logga ut").click()
            await browser_sign_in(page, web, f"{awaiting_approval['supervisor']}-barn", role="supervisor", unit="barn")
            await tab_to_link(page, "/reports/ivo", most=40)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await page.locator(f"a[href='/cases/{unexecuted.case_id}#beslut-{unexecuted.decision_id}']").wait_for()
            await check(page, "Rapport till IVO")
            await tab_to(page, "quarter")
            await page.keyboard.press("ArrowDown")  # the quarter before
            await submit_with_enter(page, "quarter-submit")
            assert "quarter=" in page.url
            await check(page, "Rapport till IVO tidigare kvartal")
        finally:
            await browser.close()
    print(f"supervisor's screens: {time.monotonic() - started:.1f} s")
