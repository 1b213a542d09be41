"""The web as a process beside the real services its pages are made from (registry, journal, orders,
watch), on a fresh database and topic prefix; people sign in through the test stack's issuer."""
import re
import subprocess
import uuid
from datetime import date, datetime, time, timedelta

import httpx
import pytest

from demo.flow import organisation_number
from services.web import quarters
from services.web.pages.home import PAGE_SIZE
from shared.clock import SWEDEN
from shared.events.catalog import DecisionMade
from tests import clock
from tests.integration.issuer.helpers import pick_person
from tests.integration.watch.helpers import Upstream
from tests.pins import child_pin, register_person
from tests.stack import ROOT, create_env, drop_env, eventually, free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REASONS = "Personen klarar inte inköp och matlagning själv och har rätt till hemtjänst."
FIRST_TEXT = "Hembesök: personen berättar att hon inte klarar att handla."
CORRECTED_TEXT = "Hembesök med dottern: personen berättar att hon inte klarar att handla."
INQUIRY_SUMMARY = "Ansökan om hemtjänst: hjälp med inköp och matlagning."


@pytest.fixture(autouse=True)
def no_process_telemetry(monkeypatch):
    """The tests that build the web app in this process leave tracing alone: its setup would install
    a tracer provider and instrument every httpx client of the test process, so a later test's own
    `traceparent` header would be replaced (as tests/security/access does for the services' apps)."""
    import services.web.app
    monkeypatch.setattr(services.web.app.telemetry, "setup", lambda settings: None)


# The services the web's pages are made from (notify makes none of them).
BACKENDS = ("registry", "journal", "orders", "watch")


@pytest.fixture(scope="session")
async def web_env(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("web"))
    backends = {name: env.start(name) for name in BACKENDS}
    urls = {f"OMSORG_{name.upper()}_URL": proc.url for name, proc in backends.items()}
    web = env.start("web", **urls)
    # A second web whose registry is at a port nothing listens on: the registry is down.
    web_without_registry = env.start("web", **{**urls, "OMSORG_REGISTRY_URL": f"http://127.0.0.1:{free_port()}"})
    try:
        for proc in (*backends.values(), web, web_without_registry):
            await proc.wait_ready()
        yield env, backends["registry"], web, web_without_registry
    finally:
        await drop_env(env)


def backend(env, name: str):
    """The running process of one of the BACKENDS in the web's test environment."""
    return next(p for p in env.processes if p.service == name)


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on the page:\n{page.text}"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, role: str = "caseworker", unit: str = "vuxen", sub: str = "anna",
                  **extra: str) -> httpx.Response:
    """Signs in as in production, through the test stack's issuer (tests/stack.py: TestIssuer): the web
    sends the browser there (the code flow with PKCE), the person is picked on its page, and the web
    takes the code back. The web's answer to that (303 to the start page), or the issuer's page when
    it refuses what was picked."""
    start = await client.get("/sign-in/start")
    assert start.status_code == 303, start.text
    picked = await pick_person(client, start.headers["location"], sub=sub, role=role, unit=unit, **extra)
    if picked.status_code != 302:
        return picked
    return await client.get(picked.headers["location"])


@pytest.fixture
async def web(web_env):
    """A browser-like client of the web, signed in as a caseworker of unit vuxen."""
    env, registry, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        answer = await sign_in(client)
        assert answer.status_code == 303, answer.text
        yield env, client


def created(answer: httpx.Response) -> dict:
    assert answer.status_code == 201, answer.text
    return answer.json()


async def until_made(client: httpx.AsyncClient, method: str, path: str, headers: dict, json: dict) -> dict:
    """A call the service takes once it has the events it needs (a case it knows, a decision)."""
    async def made():
        answer = await client.request(method, path, headers=headers, json=json)
        return answer if answer.status_code in (200, 201) else None
    answer = await eventually(made, timeout=60, interval=0.5)
    assert answer, f"{method} {path} was never taken"
    return answer.json()


@pytest.fixture(scope="session")
async def caseworkers_day(web_env):
    """A case of unit vuxen with everything its page shows, and the inquiries of the intake queue,
    made through the services' APIs by a caseworker of her own (a subject no other test uses)."""
    env, registry, _, _ = web_env
    anna = f"anna-{uuid.uuid4().hex[:6]}"
    auth = env.auth("caseworker", sub=anna, unit="vuxen")
    today = clock.today()
    urls = {name: backend(env, name).url for name in ("registry", "journal", "orders", "watch")}
    async with httpx.AsyncClient(timeout=60) as client:
        async with httpx.AsyncClient(base_url=urls["registry"], timeout=60) as reg:
            person = await register_person(reg, auth, first_name="Tilda", last_name="Testsson")
            child = await register_person(reg, auth, pin=child_pin(), first_name="Ebba", last_name="Barnsson")
            case = created(await reg.post("/cases", headers=auth,
                                          json={"unit": "vuxen", "kind": "SoL", "person_id": person}))
            # The intake queue: an application three days old, a report about a child today, and
            # applications of today enough to fill more than one page.
            for kind, who, received in [("application", person, today - timedelta(days=3)),
                                        ("report_of_concern", child, today),
                                        *[("application", person, today)] * (PAGE_SIZE - 1)]:
                created(await reg.post("/inquiries", headers=auth, json={
                    "kind": kind, "person_id": who, "unit": "vuxen", "received_on": received.isoformat()}))
            # The case's investigation comes from an application received five days ago.
            application = created(await reg.post("/inquiries", headers=auth, json={
                "kind": "application", "person_id": person, "unit": "vuxen", "summary": INQUIRY_SUMMARY,
                "received_on": (today - timedelta(days=5)).isoformat()}))
            investigation = created(await reg.post(f"/inquiries/{application['id']}/investigation", headers=auth,
                                                   json={"case_id": case["id"]}))["investigation"]
            decision = created(await reg.post(f"/cases/{case['id']}/decisions", headers=auth, json={
                "investigation_id": investigation["id"], "intervention": "home_help", "outcome": "granted",
                "reasons": REASONS, "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "scope_amount": 24,
                "valid_from": today.isoformat(), "communication": {"communicated": True,
                                                                  "communicated_on": today.isoformat(),
                                                                  "method": "meeting"}}))
        note = await until_made(client, "POST", f"{urls['journal']}/cases/{case['id']}/notes",
                                {**auth, "Idempotency-Key": uuid.uuid4().hex},
                                {"occurred_on": today.isoformat(), "text": FIRST_TEXT, "source": "person"})
        await until_made(client, "POST", f"{urls['journal']}/notes/{note['id']}/corrections", auth,
                         {"based_on_version": 1, "text": CORRECTED_TEXT, "reason": "Dottern var med."})
        provider = (await client.post(f"{urls['orders']}/providers", headers=env.auth("object_specialist", "olle"),
                                      json={"name": "Alfa Hemtjänst AB", "organisation_number": organisation_number(),
                                            "email": "bestallning@alfa.example", "interventions": ["home_help"]}
                                      )).json()
        order = await until_made(client, "POST", f"{urls['orders']}/orders",
                                 {**auth, "Idempotency-Key": uuid.uuid4().hex},
                                 {"case_id": case["id"], "decision_id": decision["id"], "provider_id": provider["id"],
                                  "intervention": "home_help", "details": "Inköp varje vecka.",
                                  "wanted_start": today.isoformat()})
        sent = await client.post(f"{urls['orders']}/orders/{order['id']}/send", headers=auth)
        assert sent.status_code == 200, sent.text
        # The note is left unsigned: seven days later the watch raises a watch for its author. The
        # watch's clock is moved there, from the run's clock, not the real day.
        await eventually(lambda: _timer_armed(env, note["id"]), timeout=60)
        later = datetime.combine(today + timedelta(days=8), time(9, 0), SWEDEN)
        moved = await client.post(f"{urls['watch']}/admin/clock", json={"now": later.isoformat()},
                                  headers=env.auth("service", sub="test-clock"))
        assert moved.status_code == 200, moved.text
    return {"anna": anna, "case": case, "note": note, "order": sent.json(), "today": today,
            "application": application}


async def _timer_armed(env, subject_id) -> bool:
    conn = await env.db()
    try:
        return await conn.fetchval("SELECT count(*) FROM watch.timers WHERE subject_id = $1", uuid.UUID(subject_id)) > 0
    finally:
        await conn.close()


@pytest.fixture
async def fresh_case(web_env, caseworkers_day):
    """An open case of unit vuxen of its own, that the journal knows, with no notes."""
    env, _, _, _ = web_env
    auth = env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen")
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry, \
            httpx.AsyncClient(base_url=backend(env, "journal").url, timeout=60) as journal:
        person = await register_person(registry, auth, first_name="Stina", last_name="Skrivsson")
        case = created(await registry.post("/cases", headers=auth,
                                           json={"unit": "vuxen", "kind": "SoL", "person_id": person}))

        async def known():
            return (await journal.get(f"/cases/{case['id']}/notes", headers=auth)).status_code == 200
        assert await eventually(known, timeout=60), "the journal never heard of the case"
    return case


async def notes_of(web_env, caseworkers_day, case_id: str) -> list[dict]:
    """The case's notes as the journal has them, read with the caseworker's own token."""
    env, _, _, _ = web_env
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.get(f"{backend(env, 'journal').url}/cases/{case_id}/notes",
                                  headers=env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen"))
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def new_provider(env) -> dict:
    """A provider of home help of its own (so that its inbox holds only a test's orders)."""
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        return created(await orders.post("/providers", headers=env.auth("object_specialist", "olle"), json={
            "name": f"Beta Omsorg {uuid.uuid4().hex[:4]} AB", "organisation_number": organisation_number(),
            "email": "order@beta.example", "interventions": ["home_help"]}))


async def send_order(env, caseworkers_day, provider: dict, details: str = "Inköp och städning varje vecka.") -> dict:
    """An order of home help in the caseworker's case, sent to `provider`."""
    auth = env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen")
    first = caseworkers_day["order"]
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        order = created(await orders.post("/orders", headers={**auth, "Idempotency-Key": uuid.uuid4().hex}, json={
            "case_id": first["case_id"], "decision_id": first["decision_id"], "provider_id": provider["id"],
            "intervention": "home_help", "details": details, "wanted_start": caseworkers_day["today"].isoformat()}))
        sent = await orders.post(f"/orders/{order['id']}/send", headers=auth)
        assert sent.status_code == 200, sent.text
    return sent.json()


async def recall_order(env, caseworkers_day, order_id: str) -> None:
    auth = env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen")
    async with httpx.AsyncClient(base_url=backend(env, "orders").url, timeout=60) as orders:
        recalled = await orders.post(f"/orders/{order_id}/recall", headers=auth,
                                     json={"reason": "Beställd av misstag."})
        assert recalled.status_code == 200, recalled.text


@pytest.fixture
async def as_provider(web_env):
    """A web client signed in as a user of a provider of its own: (client, provider)."""
    env, _, web, _ = web_env
    provider = await new_provider(env)
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        answer = await sign_in(client, role="provider_user", sub=f"utforare-{uuid.uuid4().hex[:6]}",
                               provider_id=provider["id"])
        assert answer.status_code == 303, answer.text
        yield client, provider


@pytest.fixture(scope="session")
async def citizens_own(web_env, caseworkers_day):
    """What Tilda Testsson (the person of the caseworker's day) reads on Mina sidor: her case, its
    decision and order, and a signed note with a part withheld from her; her personal identity
    number to sign in with."""
    env, _, _, _ = web_env
    auth = env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen")
    case = caseworkers_day["case"]
    async with httpx.AsyncClient(timeout=60) as client:
        registry = backend(env, "registry").url
        person = await client.get(f"{registry}/persons/{case['person_id']}", headers=auth)
        assert person.status_code == 200, person.text
        # A second case of hers holds the note, so the first case's page is as the other tests know it.
        other = created(await client.post(f"{registry}/cases", headers=auth, json={
            "unit": "vuxen", "kind": "SoL", "person_id": case["person_id"]}))
        journal = backend(env, "journal").url
        note = await until_made(client, "POST", f"{journal}/cases/{other['id']}/notes",
                                {**auth, "Idempotency-Key": uuid.uuid4().hex}, {
                                    "occurred_on": caseworkers_day["today"].isoformat(), "text": SIGNED_TEXT,
                                    "source": "person", "withheld_text": WITHHELD_TEXT,
                                    "withheld_reason": "OSL 26 kap. 5 §"})
        signed = await client.post(f"{journal}/notes/{note['id']}/sign", headers=auth, json={"version": 1})
        assert signed.status_code == 201, signed.text
    return {"pin": person.json()["pin"], "note": note}


SIGNED_TEXT = "Uppföljningssamtal: Tilda är nöjd med hemtjänsten men vill ha hjälp med tvätten."
WITHHELD_TEXT = "Grannen har ringt och berättat om oro för Tilda."


async def sign_in_citizen(client: httpx.AsyncClient, pin: str) -> None:
    answer = await sign_in(client, role="citizen", sub=f"medborgare-{uuid.uuid4().hex[:6]}", pin=pin)
    assert answer.status_code == 303, answer.text


# The browser tests (test_browser.py, test_accessibility.py).
@pytest.fixture(scope="session")
def chromium() -> str:
    found = subprocess.run([str(ROOT / "deploy" / "local" / "chromium.sh")], capture_output=True, text=True,
                           timeout=900)
    if found.returncode != 0:
        pytest.fail(f"no Chromium for the browser test (deploy/local/chromium.sh):\n{found.stderr}")
    return found.stdout.strip()


async def browser_sign_in(page, web, sub: str, role: str = "caseworker", **fields: str) -> None:
    """As a person signs in with a browser: the web's sign-in page, its link to the issuer (the test
    stack's), the issuer's form filled in (unit vuxen for roles in a unit, unless given), and back at
    the web."""
    await page.goto(f"{web.url}/sign-in")
    async with page.expect_navigation():
        await page.get_by_role("link", name="Logga in").click()
    await page.get_by_label("Användar-id").fill(sub)
    await page.get_by_label("Roll").select_option(role)
    if role in ("caseworker", "supervisor", "family_law"):
        fields = {"unit": "vuxen", **fields}
    for name, value in fields.items():
        await page.locator(f"#{name}").fill(value)
    async with page.expect_navigation(url=f"{web.url}/**"):
        await page.get_by_role("button", name="Logga in").click()


async def tab_to(page, element_id: str, most: int = 20) -> None:
    """Press Tab until the element has the focus, as a keyboard user moves through the page."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


async def tab_to_link(page, href: str, most: int = 60) -> None:
    """Press Tab until the link to `href` has the focus."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.getAttribute('href')") == href:
            return
    raise AssertionError(f"no link to {href} can be reached with Tab")


@pytest.fixture
async def awaiting_approval(web_env):
    """A decision of unit vuxen above its maker's delegation (200 hours of home help a month), and
    the staff directory's maker (a caseworker) and supervisor of the unit who may approve it."""
    env, _, _, _ = web_env
    maker, supervisor = f"maja-{uuid.uuid4().hex[:6]}", f"greta-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry:
        for who, name, level in ((maker, "Maja Ek", "caseworker"), (supervisor, "Greta Lind", "supervisor")):
            put = await registry.put(f"/staff/{who}", headers=env.auth("support", "admin"), json={
                "name": name, "title": "Socialsekreterare", "unit": "vuxen", "email": f"{who}@kommun.example.se",
                "delegation_level": level, "active_from": "2024-01-01"})
            assert put.status_code == 201, put.text
        auth = env.auth("caseworker", sub=maker, unit="vuxen")
        person = await register_person(registry, auth, first_name="Sven", last_name="Storsson")
        case = created(await registry.post("/cases", headers=auth,
                                           json={"unit": "vuxen", "kind": "SoL", "person_id": person}))
        investigation = created(await registry.post(f"/cases/{case['id']}/investigations", headers=auth, json={}))
        today = clock.today().isoformat()
        decision = created(await registry.post(f"/cases/{case['id']}/decisions", headers=auth, json={
            "investigation_id": investigation["id"], "intervention": "home_help", "outcome": "granted",
            "reasons": REASONS, "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "scope_amount": 200,
            "valid_from": today, "communication": {"communicated": True, "communicated_on": today,
                                                   "method": "meeting"}}))
    assert decision["status"] == "awaiting_approval", decision
    return {"maker": maker, "supervisor": supervisor, "case": case, "decision": decision}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@pytest.fixture(scope="session")
async def unexecuted(web_env):
    """A favourable decision of unit barn made more than four months before this quarter began, and
    never carried out: in this quarter's report as not carried out. Sent to the watch as the
    registry's event, so that it needs no four months of a test's time."""
    env, _, _, _ = web_env
    decided_on = quarter_start(clock.today()) - timedelta(days=130)
    made = DecisionMade(case_id=uuid.uuid4(), decision_id=uuid.uuid4(), unit="barn", intervention="home_help",
                        outcome="granted", valid_from=decided_on, valid_to=None, follow_up_on=None,
                        decided_on=decided_on, decided_by=f"ivo-{uuid.uuid4().hex[:6]}")
    async with Upstream(env) as upstream:
        await upstream.send(made, made.case_id)
    boss = env.auth("supervisor", sub="greta", unit="barn")
    quarter = quarters.of(clock.today())

    async def reported():
        async with httpx.AsyncClient(base_url=backend(env, "watch").url, timeout=30) as watch:
            answer = await watch.get("/reports/unexecuted-decisions", params={"quarter": quarter, "limit": 200},
                                     headers=boss)
        return answer.status_code == 200 and str(made.decision_id) in answer.text
    assert await eventually(reported, timeout=60), "the watch never reported the decision"
    return made


def pytest_terminal_summary(terminalreporter):
    """Each screen's click-to-rendered time in the browser tests (tests/integration/web/accessibility.py):
    figures to read, not assertions."""
    from tests.integration.web.accessibility import TIMINGS
    if not TIMINGS:
        return
    terminalreporter.write_sep("-", "click to rendered, per screen (Chromium, Navigation Timing)")
    for screen, loaded, first_byte in TIMINGS:
        terminalreporter.write_line(f"{screen:<48} {loaded:7.0f} ms  (first byte {first_byte:5.0f} ms)")
    loads = sorted(t[1] for t in TIMINGS)
    terminalreporter.write_line(f"{len(loads)} screens: median {loads[len(loads) // 2]:.0f} ms, slowest {loads[-1]:.0f} ms")
