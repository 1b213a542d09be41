"""The web in a real browser: Debian's Chromium driven by Playwright (deploy/local/chromium.sh
finds it or installs it; Playwright's own browser downloads are not used). Signs in through the test
stack's issuer with the keyboard alone, searches an invalid number and reads the message the page
announces; goes from the start page's lists to a case page with the keyboard; writes a journal note with the keyboard, reads
it on the case's timeline, and corrects it."""
import re
import time

from playwright.async_api import async_playwright

from tests import clock
from tests.integration.web.conftest import (
    CORRECTED_TEXT,
    FIRST_TEXT,
    browser_sign_in,
    notes_of,
    tab_to,
    tab_to_link,
)


async def test_sign_in_with_the_keyboard_and_search_an_invalid_number(web_env, chromium):
    _, _, web, _ = web_env
    started = time.monotonic()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await page.goto(f"{web.url}/")
            assert page.url == f"{web.url}/sign-in"
            assert await page.locator("html").get_attribute("lang") == "sv"

            # To the issuer and through its sign-in form with the keyboard alone: no clicks, no
            # filling by selector.
            await tab_to(page, "sign-in")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await tab_to(page, "sub")
            await page.keyboard.press("Control+A")
            await page.keyboard.type("bertil")
            await tab_to(page, "role")
            await page.keyboard.press("ArrowDown")  # Handläggare -> Arbetsledare
            assert await page.locator("#role").input_value() == "supervisor"
            await page.keyboard.press("ArrowUp")
            assert await page.locator("#role").input_value() == "caseworker"
            await tab_to(page, "unit")
            await page.keyboard.type("vuxen")
            await tab_to(page, "sign-in")
            async with page.expect_navigation(url=f"{web.url}/"):
                await page.keyboard.press("Enter")
            assert page.url == f"{web.url}/"
            await page.get_by_text("Inloggad som").wait_for()
            assert "bertil" in await page.locator(".signed-in").inner_text()

            await page.get_by_role("link", name="Sök person").first.click()
            await page.get_by_label("Personnummer eller samordningsnummer").fill("19121212-1213")
            await page.get_by_role("button", name="Sök").click()
            alert = page.get_by_role("alert")
            await alert.wait_for()
            assert "Personnumret är ogiltigt" in await alert.inner_text()
            assert await page.locator("#pin").get_attribute("aria-invalid") == "true"
            assert await page.locator("h1").count() == 1

            # The session cookie cannot be read by the page's scripts.
            assert "omsorg_session" not in await page.evaluate("document.cookie")
        finally:
            await browser.close()
    print(f"browser test: {time.monotonic() - started:.1f} s")


async def test_from_the_start_page_to_a_case_with_the_keyboard(web_env, caseworkers_day, chromium):
    _, _, web, _ = web_env
    case_url = f"/cases/{caseworkers_day['case']['id']}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, caseworkers_day["anna"])
            assert page.url == f"{web.url}/"
            assert await page.get_by_role("heading", level=1).inner_text() == "Min dag"
            for name in ("Mina bevakningar", "Inkommande ärenden", "Mina ärenden"):
                await page.get_by_role("heading", level=2, name=name).wait_for()

            # The watch's link says what it leads to, to a screen reader too.
            watches = page.get_by_role("table", name="Mina bevakningar, de mest brådskande först")
            # (Other tests may give Anna watches of their own cases: this case's is there once.)
            links = watches.get_by_role("link", name=re.compile("^Ärendet för bevakningen osignerad journalanteckning"))
            hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
            assert hrefs.count(case_url) == 1, hrefs
            cases = page.get_by_role("table", name="Mina öppna ärenden, den närmaste utredningstiden först")
            links = cases.get_by_role("link", name=re.compile("^SoL-ärende öppnat "))
            hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
            assert hrefs.count(case_url) == 1, hrefs

            await tab_to_link(page, case_url)
            clicked = time.monotonic()
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            assert page.url == f"{web.url}{case_url}"
            heading = await page.get_by_role("heading", level=1).inner_text()
            print(f"start page to case page: {time.monotonic() - clicked:.2f} s")
            assert heading == "Ärende SoL: Tilda Testsson"
            timeline = page.get_by_role("heading", level=3)
            titles = [await timeline.nth(i).inner_text() for i in range(await timeline.count())]
            assert any(t.endswith("Ärendet öppnades") for t in titles)
            assert any("Beslut om hemtjänst: bifall" in t for t in titles)
            assert any("Journalanteckning" in t for t in titles)
            assert any("Beställning av hemtjänst" in t for t in titles)
            assert CORRECTED_TEXT in await page.locator(".note-text").inner_text()
            assert await page.locator(".versions del").inner_text() == FIRST_TEXT
        finally:
            await browser.close()


async def test_write_a_note_with_the_keyboard_and_read_it_on_the_timeline(web_env, caseworkers_day, fresh_case,
                                                                         chromium):
    _, _, web, _ = web_env
    case_url = f"/cases/{fresh_case['id']}"
    text = "Telefonsamtal med Stina: hon vill ha hjälp med tvätten."
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            page = await browser.new_page(locale="sv-SE")
            await browser_sign_in(page, web, caseworkers_day["anna"])
            shown_on = clock.today()
            await page.goto(f"{web.url}{case_url}")

            # From the link at the top to the form, and through it, with the keyboard alone.
            await tab_to_link(page, "#ny-anteckning")
            await page.keyboard.press("Enter")
            await tab_to(page, "note-occurred-on")
            # The day is offered: the run's today (read around the showing, so a run passing midnight
            # sees one of the two days).
            offered = await page.locator("#note-occurred-on").input_value()
            assert offered in {shown_on.isoformat(), clock.today().isoformat()}, offered
            await tab_to(page, "note-text")
            await page.keyboard.type(text)
            await tab_to(page, "note-source-person")
            await page.keyboard.press("ArrowDown")  # Den enskilde -> Anhörig
            assert await page.locator("#note-source-relative").is_checked()
            await tab_to(page, "note-submit")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")

            assert page.url.startswith(f"{web.url}{case_url}?done=note_written#anteckning-")
            status = page.get_by_role("status")
            assert "Journalanteckningen är sparad" in await status.inner_text()
            note = page.locator(f"#{page.url.rsplit('#', 1)[1]}")
            assert await note.locator(".note-text").inner_text() == text
            assert "Källa: anhörig." in await note.inner_text()

            # Corrected with the keyboard too: the old text stays, struck.
            note_id = page.url.rsplit("#anteckning-", 1)[1]
            await tab_to_link(page, f"/notes/{note_id}/correction")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await tab_to(page, "correction-text")
            await page.keyboard.press("Control+A")
            await page.keyboard.type(text.replace("tvätten", "tvätten och städningen"))
            await tab_to(page, "correction-reason")
            await page.keyboard.type("Hon nämnde städningen också.")
            await tab_to(page, "correction-submit")
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            assert "Rättelsen är sparad" in await page.get_by_role("status").inner_text()
            note = page.locator(f"#anteckning-{note_id}")
            assert "tvätten och städningen" in await note.locator(".note-text").inner_text()
            assert await note.locator(".versions del").inner_text() == text
        finally:
            await browser.close()
    (written,) = await notes_of(web_env, caseworkers_day, fresh_case["id"])
    assert written["source"] == "relative" and written["occurred_on"] == offered
