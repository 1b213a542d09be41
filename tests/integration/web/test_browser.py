"""The web in a real browser: Debian's Chromium driven by Playwright (deploy/local/chromium.sh
finds it or installs it; Playwright's own browser downloads are not used). Signs in with the
keyboard alone, searches an invalid number and reads the message the page announces."""
import subprocess
import time

import pytest
from playwright.async_api import async_playwright

from tests.stack import ROOT


@pytest.fixture(scope="session")
def chromium() -> str:
    found = subprocess.run([str(ROOT / "deploy" / "local" / "chromium.sh")], capture_output=True, text=True,
                           timeout=900)
    if found.returncode != 0:
        pytest.fail(f"no Chromium for the browser test (deploy/local/chromium.sh):\n{found.stderr}")
    return found.stdout.strip()


async def tab_to(page, element_id: str, most: int = 20) -> None:
    """Press Tab until the element has the focus, as a keyboard user moves through the page."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


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

            # The sign-in form with the keyboard alone: no clicks, no filling by selector.
            await tab_to(page, "sub")
            await page.keyboard.press("Control+A")
            await page.keyboard.type("bertil")
            await tab_to(page, "role")
            await page.keyboard.press("ArrowDown")  # Handläggare -> Arbetsledare
            assert await page.locator("#role").input_value() == "supervisor"
            await page.keyboard.press("ArrowUp")
            assert await page.locator("#role").input_value() == "caseworker"
            await tab_to(page, "unit")
            await tab_to(page, "sign-in")
            async with page.expect_navigation():
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
