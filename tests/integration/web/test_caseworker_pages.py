"""The caseworker's start page and the case page on the real services: my watches, the unit's intake
queue and my cases, each from the services' worklists with the caseworker's own token; the case's
timeline with its investigation, decision and reasons, journal note with the struck version, and
order; another unit's caseworker sees none of it; a service that is down is said in Swedish, and the
rest of the page is shown."""
import re
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from services.web import texts
from services.web.pages.home import PAGE_SIZE
from shared.clock import SWEDEN
from tests.integration.web.conftest import CORRECTED_TEXT, FIRST_TEXT, INQUIRY_SUMMARY, REASONS, sign_in
from tests.stack import eventually, free_port


def swedish(day) -> str:
    return f"{day.day} {texts.MONTHS[day.month - 1]} {day.year}"


def part(page: str, heading_id: str) -> str:
    """The section of the start page under the heading with this id."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
async def as_anna(web_env, caseworkers_day):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=caseworkers_day["anna"])).status_code == 303
        yield client


async def test_the_start_page_shows_my_watches_the_intake_queue_and_my_cases(as_anna, caseworkers_day):
    day = caseworkers_day
    page = await as_anna.get("/")
    assert page.status_code == 200, page.text
    html = page.text
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert [h for h in re.findall(r'<h2 id="([^"]+)"', html)] == ["bevakningar", "inkommande", "arenden"]

    watches = part(html, "bevakningar")
    assert "Osignerad journalanteckning" in watches
    assert f'href="/cases/{day["case"]["id"]}"' in watches
    assert "<caption>" in watches and '<th scope="col">' in watches

    intake = part(html, "inkommande")
    # The report about a child comes first (by its assessment deadline), then the application.
    assert intake.index("Orosanmälan") < intake.index("Ansökan")
    assert swedish(day["today"] - timedelta(days=3)) in intake  # the application's day of receipt
    assert swedish(day["today"] + timedelta(days=14)) in intake or "Förhandsbedömning" in intake

    mine = part(html, "arenden")
    link = f'<a href="/cases/{day["case"]["id"]}">SoL-ärende öppnat {swedish(day["today"])}</a>'
    assert link in mine


async def test_a_watch_on_an_order_links_to_the_order(as_anna, caseworkers_day):
    """The order sent in the case is unconfirmed eight days later: its watch names the order."""
    order_link = f'<a href="/orders/{caseworkers_day["order"]["id"]}">Beställningen'

    async def listed():
        watches = part((await as_anna.get("/")).text, "bevakningar")
        return watches if order_link in watches else None
    watches = await eventually(listed, timeout=60)
    assert watches, "the start page never linked the unconfirmed order's watch to the order"
    assert "Beställningen är inte bekräftad av utföraren" in watches
    # A watch on a note has no page of its own: its row says so with a dash.
    assert "<td>–</td>" in watches


async def test_the_case_page_is_one_timeline_of_the_case(as_anna, caseworkers_day):
    day = caseworkers_day
    page = await as_anna.get(f"/cases/{day['case']['id']}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Ärende SoL: Tilda Testsson" in html
    assert "Utredning inleddes" in html
    assert "Beslut om hemtjänst: bifall" in html and REASONS in html
    assert CORRECTED_TEXT in html
    assert f"<del>{FIRST_TEXT}</del>" in html and "Dottern var med." in html  # the struck version, readable
    assert "Inte signerad." in html
    assert "Beställning av hemtjänst hos Alfa Hemtjänst AB" in html and "Skickad" in html
    order = [html.index(s) for s in ("Ärendet öppnades", "Utredning inleddes", "Beslut om", "Beställning av")]
    assert order == sorted(order)
    # A moment is shown in Swedish local time: the order's sending.
    sent_at = datetime.fromisoformat(day["order"]["sent_at"]).astimezone(SWEDEN)
    assert f"{swedish(sent_at.date())} kl. {sent_at:%H.%M}" in html


async def test_another_units_caseworker_sees_none_of_it(web_env, caseworkers_day):
    _, _, web, _ = web_env
    day = caseworkers_day
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=f"bo-{uuid.uuid4().hex[:6]}", unit="barn")).status_code == 303
        start = await client.get("/")
        assert start.status_code == 200
        assert day["case"]["id"] not in start.text
        assert "Du har inga öppna bevakningar." in start.text
        assert "Du är inte ansvarig för något öppet ärende." in start.text
        assert "Enheten har inga inkommande ärenden" in start.text
        refused = await client.get(f"/cases/{day['case']['id']}")
        assert refused.status_code == 404
        assert "Ärendet finns inte" in refused.text and "Tilda" not in refused.text
        assert 'role="alert"' in refused.text and "spårnummer" in refused.text


async def test_an_address_that_names_no_case_is_a_swedish_not_found(as_anna):
    for path in ("/cases/inte-ett-id", f"/cases/{uuid.uuid4()}"):
        page = await as_anna.get(path)
        assert page.status_code == 404, path
        assert "Traceback" not in page.text and 'role="alert"' in page.text and '<html lang="sv">' in page.text


def rows(section: str) -> int:
    return len(re.findall(r"<tr[ >]", section.split("<tbody>", 1)[1])) if "<tbody>" in section else 0


async def test_a_list_is_paged_by_its_next_page_link(as_anna):
    first = part((await as_anna.get("/")).text, "inkommande")
    assert rows(first) == PAGE_SIZE and "Första sidan" not in first
    found = re.search(r'<a href="(/\?intake=[^"]+)">Nästa sida av inkommande ärenden</a>', first)
    assert found, first
    second = part((await as_anna.get(found.group(1).replace("&amp;", "&"))).text, "inkommande")
    assert rows(second) == 1 and "Nästa sida" not in second
    assert '<a href="/#inkommande">Första sidan av inkommande ärenden</a>' in second

    stale = part((await as_anna.get("/", params={"intake": "not-a-cursor"})).text, "inkommande")
    assert texts.PROBLEMS["invalid_cursor"] in stale and 'role="alert"' in stale


async def test_with_the_registry_down_the_start_page_says_so_in_swedish(web_env, caseworkers_day):
    _, _, _, web_without_registry = web_env
    async with httpx.AsyncClient(base_url=web_without_registry.url, timeout=60) as client:
        assert (await sign_in(client, sub=caseworkers_day["anna"])).status_code == 303
        start = await client.get("/")
        assert start.status_code == 200
        assert "Osignerad journalanteckning" in part(start.text, "bevakningar")  # the watch still answers
        for heading in ("inkommande", "arenden"):
            assert "Socialregistret svarar inte just nu" in part(start.text, heading)
        assert "spårnummer" in start.text
        case = await client.get(f"/cases/{caseworkers_day['case']['id']}")
        assert case.status_code == 503 and "Socialregistret svarar inte" in case.text
        assert "Traceback" not in case.text


async def test_with_the_journal_and_orders_down_the_case_page_shows_the_rest(web_env, caseworkers_day):
    env, registry, _, _ = web_env
    nowhere = f"http://127.0.0.1:{free_port()}"
    web = env.start("web", OMSORG_REGISTRY_URL=registry.url, OMSORG_JOURNAL_URL=nowhere, OMSORG_ORDERS_URL=nowhere,
                    OMSORG_WATCH_URL=nowhere)
    await web.wait_ready()
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=caseworkers_day["anna"])).status_code == 303
        page = await client.get(f"/cases/{caseworkers_day['case']['id']}")
    assert page.status_code == 200, page.text
    assert "Ärende SoL: Tilda Testsson" in page.text and REASONS in page.text
    assert "Journalen svarar inte just nu" in page.text and "Beställningar svarar inte just nu" in page.text
    assert page.text.count('role="alert"') == 2 and "spårnummer" in page.text
    assert CORRECTED_TEXT not in page.text and "Traceback" not in page.text


async def test_the_inquiry_that_led_to_the_case_is_on_its_timeline_and_has_its_own_page(as_anna, caseworkers_day):
    day = caseworkers_day
    application = day["application"]
    html = (await as_anna.get(f"/cases/{day['case']['id']}")).text
    assert "Ansökan kom in" in html and INQUIRY_SUMMARY in html
    assert f'href="/inquiries/{application["id"]}"' in html
    received = swedish(day["today"] - timedelta(days=5))
    assert html.index(f"{received}</time>: Ansökan kom in") < html.index("Ärendet öppnades")

    page = await as_anna.get(f"/inquiries/{application['id']}")
    assert page.status_code == 200, page.text
    assert "<h1>Ansökan: Tilda Testsson</h1>" in page.text
    assert INQUIRY_SUMMARY in page.text and received in page.text
    assert "Har lett till en utredning." in page.text


async def test_the_intake_queue_links_each_inquiry_to_its_page(as_anna):
    intake = part((await as_anna.get("/")).text, "inkommande")
    links = re.findall(r'<a href="/inquiries/([0-9a-f-]{36})">', intake)
    assert len(links) == PAGE_SIZE
    page = await as_anna.get(f"/inquiries/{links[0]}")
    assert page.status_code == 200 and "<h1>Orosanmälan: Ebba Barnsson</h1>" in page.text


async def test_another_units_caseworker_cannot_see_the_inquiry(web_env, caseworkers_day):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=f"bo-{uuid.uuid4().hex[:6]}", unit="barn")).status_code == 303
        refused = await client.get(f"/inquiries/{caseworkers_day['application']['id']}")
        assert refused.status_code == 404
        assert "Aktualiseringen finns inte" in refused.text and "Tilda" not in refused.text
