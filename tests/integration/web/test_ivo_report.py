"""The supervisor's report to IVO of the quarter (ej verkställda beslut) on a real watch: the current
quarter by the web's clock unless another is chosen, each decision with its status and days waited,
the CSV passed on from the watch as it comes and never cached; a wrong quarter and a wrong role
said in Swedish."""
import uuid
from datetime import date, datetime, timezone

import httpx
import pytest

from services.web import quarters
from shared.clock import SWEDEN
from tests import clock
from tests.integration.web.conftest import backend, sign_in


@pytest.fixture
async def as_supervisor(web_env):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        assert (await sign_in(client, role="supervisor", sub=f"greta-{uuid.uuid4().hex[:6]}", unit="barn")
                ).status_code == 303
        yield client


async def test_the_report_of_the_current_quarter(as_supervisor, unexecuted):
    quarter = quarters.of(clock.today())  # the run's clock, as the web's: never the real day
    start = await as_supervisor.get("/")
    assert '<a href="/reports/ivo">Rapport till IVO: ej verkställda beslut</a>' in start.text
    page = await as_supervisor.get("/reports/ivo")
    assert page.status_code == 200, page.text
    assert f"<h1>Ej verkställda beslut, {quarters.swedish(quarter)}</h1>" in page.text
    assert f'<option value="{quarter}" selected>' in page.text
    assert f'href="/cases/{unexecuted.case_id}#beslut-{unexecuted.decision_id}"' in page.text
    assert "Inte verkställt" in page.text and "Inget skäl angivet" in page.text
    assert f'href="/reports/ivo.csv?quarter={quarter}"' in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_the_csv_is_the_watchs_passed_on_and_not_cached(web_env, as_supervisor, unexecuted):
    env, _, _, _ = web_env
    quarter = quarters.of(clock.today())
    csv = await as_supervisor.get("/reports/ivo.csv", params={"quarter": quarter})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["cache-control"] == "no-store"
    assert csv.headers["content-disposition"] == f'attachment; filename="ej-verkstallda-beslut-{quarter}.csv"'
    assert csv.content.startswith("\ufeff".encode()) and str(unexecuted.decision_id).encode() in csv.content
    async with httpx.AsyncClient(base_url=backend(env, "watch").url, timeout=30) as watch:
        direct = await watch.get("/reports/unexecuted-decisions.csv", params={"quarter": quarter},
                                 headers=env.auth("supervisor", sub="greta", unit="barn"))
    assert csv.content == direct.content
    default = await as_supervisor.get("/reports/ivo.csv")  # no quarter: the current one
    assert default.headers["content-disposition"] == csv.headers["content-disposition"]


async def test_another_quarter_and_a_wrong_one(as_supervisor, unexecuted):
    earlier = quarters.recent(clock.today(), 3)[2]
    page = await as_supervisor.get("/reports/ivo", params={"quarter": earlier})
    assert page.status_code == 200 and f'<option value="{earlier}" selected>' in page.text
    assert f"Ej verkställda beslut, {quarters.swedish(earlier)}" in page.text
    assert str(unexecuted.decision_id) not in page.text  # three months had not passed by then
    for wrong in ("2026-Q5", "förra kvartalet"):
        refused = await as_supervisor.get("/reports/ivo", params={"quarter": wrong})
        assert refused.status_code == 422 and "Kvartalet finns inte" in refused.text and 'role="alert"' in refused.text
        csv = await as_supervisor.get("/reports/ivo.csv", params={"quarter": wrong})
        assert csv.status_code == 422 and "Kvartalet finns inte" in csv.text and "text/html" in csv.headers["content-type"]
    stale = await as_supervisor.get("/reports/ivo", params={"cursor": "inte-en-markör"})
    assert stale.status_code == 422 and "Sidan i listan finns inte längre" in stale.text


async def test_a_caseworker_gets_no_report(web_env, unexecuted):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, sub="anna", unit="barn")
        assert "/reports/ivo" not in (await client.get("/")).text
        page = await client.get("/reports/ivo")
        assert page.status_code == 403 and "Du har inte behörighet att göra detta" in page.text
        assert str(unexecuted.decision_id) not in page.text
        csv = await client.get("/reports/ivo.csv")
        assert csv.status_code == 403 and "text/html" in csv.headers["content-type"]
        assert str(unexecuted.decision_id) not in csv.text


async def test_the_current_quarter_is_swedens_not_utcs(web_env):
    """Half past midnight on New Year's Day in Sweden is still 31 December in UTC: the report shown
    unless another is chosen is of the first quarter of the new year. A web of its own, whose clock
    is set to that moment (as the test stack sets every clock: an offset from real time)."""
    env, _, _, _ = web_env
    moment = datetime(2027, 1, 1, 0, 30, tzinfo=SWEDEN)
    assert moment.astimezone(timezone.utc).date() == date(2026, 12, 31)
    urls = {f"OMSORG_{name.upper()}_URL": backend(env, name).url for name in ("registry", "journal", "orders", "watch")}
    web = env.start("web", **urls,
                    OMSORG_CLOCK_OFFSET_SECONDS=clock.offset_at(moment))
    await web.wait_ready()
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, role="supervisor", sub="greta-nyar", unit="barn")
        page = await client.get("/reports/ivo")
        assert page.status_code == 200, page.text
        assert "<h1>Ej verkställda beslut, kvartal 1 2027 (januari–mars)</h1>" in page.text
        assert '<option value="2027-Q1" selected>' in page.text and '<option value="2026-Q4">' in page.text
        csv = await client.get("/reports/ivo.csv")
        assert csv.headers["content-disposition"] == 'attachment; filename="ej-verkstallda-beslut-2027-Q1.csv"'
