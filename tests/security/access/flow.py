"""One whole flow through the five services for a person with a protected identity
(skyddade personuppgifter): registered with an address, an inquiry, a case, an investigation,
a decision, an order that the provider opens, confirms, starts and reports time on, a second
order left unconfirmed until it raises a watch, a reminder e-mail and an in-app notification,
and a journal note. Every HTTP answer on the way is kept, with whether its reader may see the
protected address, so tests can search them."""
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from services.watch.domain.rules import configure
from services.watch.domain.watches import order_timers
from tests import clock
from tests.integration.orders.helpers import organisation_number
from tests.integration.notify.helpers import MailCatcher, notify_env, wait_for
from tests.pins import make_pin
from tests.stack import TestEnv, create_env, drop_env, eventually, start_services

UNIT = "vuxen"
CASEWORKER = "anna"
# The protected address: each part unusual enough that finding it anywhere means it leaked.
STREET, POSTAL_CODE, CITY = "Hemligvägen 47 B", "975 31", "Skyddsbyn"
ADDRESS_PARTS = (STREET, POSTAL_CODE, CITY)


@dataclass
class Answer:
    what: str
    reader: str            # role and unit of the token it answered
    may_see_address: bool
    status: int
    text: str


@dataclass
class Flow:
    env: TestEnv
    clients: dict[str, httpx.AsyncClient]
    pin: str = ""
    person_id: str = ""
    grant_id: str = ""              # the caseworker's grant of the person's protected address
    inquiry_id: str = ""
    open_inquiry_id: str = ""       # left in the unit's intake queue
    case_id: str = ""
    investigation_id: str = ""
    decision_id: str = ""
    provider: dict = field(default_factory=dict)
    order_id: str = ""             # opened, confirmed, started, with delivered time
    unconfirmed_order_id: str = ""  # sent and left alone until it raised a watch
    note_id: str = ""
    month: str = ""
    answers: list[Answer] = field(default_factory=list)

    def auth(self, role: str, sub: str = CASEWORKER, **claims) -> dict[str, str]:
        if role in ("caseworker", "supervisor") and "unit" not in claims:
            claims["unit"] = UNIT
        if role == "provider_user" and "provider_id" not in claims:
            claims["provider_id"] = self.provider["id"]
        return self.env.auth(role, sub, **claims)

    async def call(self, service: str, method: str, path: str, *, role: str, sub: str = CASEWORKER,
                   may_see_address: bool = False, expect: int | None = None, headers: dict | None = None,
                   claims: dict | None = None, **kw) -> httpx.Response:
        """A request as `role`; the answer is kept for the search for the protected address."""
        response = await self.clients[service].request(
            method, path, headers={**self.auth(role, sub, **(claims or {})), **(headers or {})}, **kw)
        reader = f"{role}/{(claims or {}).get('unit', UNIT if role in ('caseworker', 'supervisor') else '-')}"
        self.answers.append(Answer(f"{service} {method} {path}", reader, may_see_address, response.status_code,
                                   response.text))
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response


async def _row(env: TestEnv, sql: str, *args):
    conn = await env.db()
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def _seen(env: TestEnv, what: str, sql: str, *args) -> None:
    assert await eventually(lambda: _row(env, sql, *args), timeout=30), f"never seen: {what}"


@asynccontextmanager
async def five_services(logs: Path) -> AsyncIterator[tuple[TestEnv, dict, dict[str, httpx.AsyncClient], MailCatcher]]:
    """All five services on a fresh database and topic prefix, notify mailing a catcher, and an
    HTTP client for each: (env, processes, clients, catcher)."""
    env = await create_env(logs)
    catcher = MailCatcher().start()
    try:
        procs = await start_services(env, **notify_env(catcher.port))
        clients = {name: httpx.AsyncClient(base_url=proc.url, timeout=30) for name, proc in procs.items()}
        try:
            yield env, procs, clients, catcher
        finally:
            for client in clients.values():
                await client.aclose()
    finally:
        catcher.stop()
        await drop_env(env)


async def run_flow(env: TestEnv, procs: dict, clients: dict[str, httpx.AsyncClient],
                   catcher: MailCatcher) -> Flow:
    f = Flow(env, clients)
    today = clock.today()
    f.provider = (await f.call("orders", "POST", "/providers", role="object_specialist", sub="olle", expect=201, json={
        "name": "Norrgårdens Hemtjänst AB", "organisation_number": organisation_number(),
        "email": f"bestallning-{uuid.uuid4().hex[:6]}@utforare.example", "interventions": ["home_help"]})).json()

    f.pin = make_pin()
    f.person_id = (await f.call("registry", "POST", "/persons", role="caseworker", may_see_address=True, expect=201,
                                json={"pin": f.pin, "first_name": "Sara", "last_name": "Skyddad",
                                      "protected_identity": True,
                                      "address": {"street": STREET, "postal_code": POSTAL_CODE, "city": CITY}})
                   ).json()["id"]
    # The unit's supervisor lets the person's caseworker see the protected address; no one else may.
    f.grant_id = (await f.call("registry", "POST", f"/persons/{f.person_id}/address-grants", role="supervisor",
                               sub="chef-vuxen", may_see_address=True, expect=201,
                               json={"grantee": CASEWORKER, "reason": "Hembesök enligt beslut", "days": 30})
                  ).json()["id"]
    f.inquiry_id = (await f.call("registry", "POST", "/inquiries", role="caseworker", may_see_address=True,
                                 expect=201, json={"kind": "application", "person_id": f.person_id, "unit": UNIT,
                                                   "received_on": today.isoformat(),
                                                   "summary": "Ansökan om hemtjänst"})).json()["id"]
    opened = (await f.call("registry", "POST", f"/inquiries/{f.inquiry_id}/investigation", role="caseworker",
                           may_see_address=True, expect=201, json={"kind": "SoL"})).json()
    f.case_id, f.investigation_id = opened["case_id"], opened["investigation"]["id"]
    f.decision_id = (await f.call("registry", "POST", f"/cases/{f.case_id}/decisions", role="caseworker",
                                  may_see_address=True, expect=201, json={
        "intervention": "home_help", "reasons": "Behov av stöd i hemmet.",
        "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": (today - timedelta(days=10)).isoformat(),
        "valid_to": (today + timedelta(days=365)).isoformat(),
        "follow_up_on": (today + timedelta(days=90)).isoformat(),
        "communication": {"communicated": True, "communicated_on": today.isoformat(),
                          "method": "letter"}})).json()["id"]

    # A second inquiry, left in the unit's intake queue (not assessed, no investigation).
    f.open_inquiry_id = (await f.call("registry", "POST", "/inquiries", role="caseworker", may_see_address=True,
                                      expect=201, json={"kind": "other_information", "person_id": f.person_id,
                                                        "unit": UNIT, "received_on": today.isoformat()})).json()["id"]

    # The journal note, once the journal knows the case.
    await _seen(env, "the case in the journal", "SELECT true FROM journal.cases WHERE case_id = $1::uuid", f.case_id)
    f.note_id = (await f.call("journal", "POST", f"/cases/{f.case_id}/notes", role="caseworker", may_see_address=True,
                              expect=201, headers={"Idempotency-Key": str(uuid.uuid4())},
                              json={"occurred_on": today.isoformat(),
                                    "text": "Hembesök. Sara vill ha hjälp med inköp.", "source": "person"})
                 ).json()["id"]
    # Signed, so that the person reads it too (GET /me/notes).
    await f.call("journal", "POST", f"/notes/{f.note_id}/sign", role="caseworker", expect=201, json={"version": 1})

    # The order: sent, opened, confirmed, started, time reported.
    await _seen(env, "the decision in orders", "SELECT true FROM orders.decisions WHERE decision_id = $1::uuid",
                f.decision_id)

    async def sent_order() -> str:
        draft = (await f.call("orders", "POST", "/orders", role="caseworker", may_see_address=True, expect=201, json={
            "case_id": f.case_id, "decision_id": f.decision_id, "provider_id": f.provider["id"],
            "intervention": "home_help", "details": "Inköp och städning två gånger i veckan.",
            "wanted_start": today.isoformat()})).json()
        await f.call("orders", "POST", f"/orders/{draft['id']}/send", role="caseworker", may_see_address=True,
                     expect=200)
        return draft["id"]

    f.order_id = await sent_order()
    provider = dict(role="provider_user", sub="utforare")
    opened = await f.call("orders", "GET", f"/provider/orders/{f.order_id}", **provider, expect=200)
    confirmed = await f.call("orders", "POST", f"/provider/orders/{f.order_id}/confirm", **provider, expect=200,
                             headers={"If-Match": opened.headers["ETag"]})
    started_on = today - timedelta(days=2)
    await f.call("orders", "POST", f"/provider/orders/{f.order_id}/start", **provider, expect=200,
                 headers={"If-Match": confirmed.headers["ETag"]}, json={"started_on": started_on.isoformat()})
    delivered_on = today - timedelta(days=1)
    await f.call("orders", "POST", f"/provider/orders/{f.order_id}/deliveries", **provider, expect=201,
                 headers={"Idempotency-Key": "leverans-1"}, json={"delivered_on": delivered_on.isoformat(), "minutes": 90})
    f.month = f"{delivered_on:%Y-%m}"

    # A second order that nobody confirms: two business days later it raises a watch, the
    # caseworker gets an in-app notification and the provider a reminder by e-mail.
    f.unconfirmed_order_id = await sent_order()
    await _seen(env, "the watch's timer of the unconfirmed order",
                "SELECT true FROM watch.timers WHERE subject_id = $1::uuid", f.unconfirmed_order_id)
    # Just after its reminder comes due (just after the order was sent; later over a holiday).
    reminder = next(t.fire_at for t in order_timers(configure(), clock.now()) if t.rule == "order_reminder")
    moved = await clients["watch"].post("/admin/clock", headers=env.auth("service", "test-clock"),
                                        json={"now": (reminder + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    await _seen(env, "the watch", "SELECT true FROM watch.watches WHERE subject_id = $1::uuid",
                f.unconfirmed_order_id)
    await _seen(env, "the in-app notification to the caseworker",
                "SELECT true FROM notify.notifications WHERE order_id = $1::uuid", f.unconfirmed_order_id)
    assert await wait_for(lambda: len(catcher.to(f.provider["email"])) >= 3, timeout=30), \
        "the provider never got two order e-mails and a reminder"
    return f
