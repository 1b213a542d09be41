"""The whole flow (docs/architecture.md, "The process") played over the services' HTTP APIs only.

From registering a person to the reimbursement basis: a case, an investigation, a decision
communicated first, a journal note and its correction, two providers, an order sent to the
first, left unconfirmed until the watch reminds the provider two business days later, then
redirected to the second, which opens, confirms, starts and reports delivered time.

`Flow` is used by `make demo` (demo/__main__.py) and by the end-to-end tests (tests/e2e/).
Each step is a method; `run(until=...)` plays the steps not yet played up to and including
one, so a test can stop the flow, break something, and go on. `expected_events()` says how
many events of each type the steps played so far must have produced, exactly.

Only the watch's clock can be moved (POST /admin/clock, dev and test only); the other
services keep real time. An order sent after the move therefore looks older to the watch
than it is: its two-day reminder comes due about as long after it was sent as the first
order had lain before the move (`ignore_seconds`), so the second provider must confirm
within that time to get no reminder.
"""
import asyncio
import email
import email.policy
import random
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message
from typing import Any

import httpx

from services.watch.domain.calendar import Delay
from shared.clock import SWEDEN, Clock
from shared.pin import luhn_check_digit

REMINDER_AFTER = Delay.parse("2bd")   # watch's order_reminder rule
INTERVENTION = "home_help"            # hemtjänst; priced per minute (GET /prices)
DELIVERED_MINUTES = (90, 60)

# A token for (role, sub, unit=..., provider_id=...): the services' bearer JWT.
TokenFactory = Callable[..., str]
# Every message received for an address so far.
Mailbox = Callable[[str], list[Message]]


class FlowError(AssertionError):
    """A step did not get the answer or the outcome the flow expects."""


@dataclass(frozen=True)
class Urls:
    registry: str
    journal: str
    orders: str
    watch: str
    notify: str

    @classmethod
    def local(cls, host: str = "127.0.0.1") -> "Urls":
        """The services as `make up` runs them, on ports 8001 to 8005."""
        return cls(*(f"http://{host}:{port}" for port in range(8001, 8006)))


@dataclass(frozen=True)
class Step:
    name: str
    swedish: str
    english: str
    # Events the step causes, by type (domain events only; access.logged varies with reads).
    events: dict[str, int] = field(default_factory=dict)


STEPS: tuple[Step, ...] = (
    Step("register_person", "Person registrerad", "person registered"),
    Step("open_case", "Ärende öppnat", "case opened", {"case.opened": 1}),
    Step("investigate", "Utredning inledd", "investigation started", {"investigation.started": 1}),
    Step("decide", "Beslut fattat efter kommunicering", "decision made, its basis communicated first",
         {"investigation.completed": 1, "decision.made": 1}),
    Step("write_note", "Journalanteckning skriven", "case note written", {"note.written": 1}),
    Step("correct_note", "Anteckningen rättad", "note corrected: a new version, the old one struck through",
         {"note.corrected": 1}),
    Step("register_providers", "Utförare registrerade", "providers registered"),
    Step("draft_order", "Beställning upprättad", "order drafted against the decision"),
    # order.sent, and notify's mail about it to provider A.
    Step("send_order", "Beställning skickad till utförare A", "order sent to provider A",
         {"order.sent": 1, "notification.delivered": 1}),
    Step("provider_ignores", "Utförare A låter beställningen ligga", "provider A leaves the order unopened"),
    Step("two_days_later", "Två arbetsdagar senare", "two business days later (the watch's clock moved)"),
    # watch.raised; notify's in-app notice to the caseworker and the reminder to the provider.
    Step("see_watch", "Bevakning på handläggarens lista", "watch on the caseworker's list",
         {"watch.raised": 1, "notification.delivered": 2}),
    Step("see_reminder", "Påminnelse e-postad till utförare A", "reminder e-mailed to provider A"),
    # A's order recalled (it was never opened: no notice to A), its watch resolved, B's order sent and mailed.
    Step("redirect_order", "Beställningen omdirigerad till utförare B", "order redirected to provider B",
         {"order.recalled": 1, "watch.resolved": 1, "order.sent": 1, "notification.delivered": 1}),
    Step("provider_opens", "Utförare B öppnar beställningen", "provider B opens the order", {"order.opened": 1}),
    Step("confirm", "Beställningen bekräftad", "order confirmed", {"order.confirmed": 1}),
    Step("start", "Insatsen påbörjad (beslutet verkställt)", "intervention started (decision executed)",
         {"order.started": 1}),
    Step("report_deliveries", "Utförd tid återrapporterad", "delivered time reported",
         {"delivery.reported": len(DELIVERED_MINUTES)}),
    Step("reimbursement_basis", "Ersättningsunderlag", "reimbursement basis"),
)
STEP_NAMES = tuple(s.name for s in STEPS)


@dataclass
class Done:
    """One step as played: what it found, and how long it took."""
    step: Step
    details: dict[str, Any]
    seconds: float


@dataclass
class State:
    """What the flow has made so far; read by tests."""
    run: str = ""
    person_id: str | None = None
    pin: str | None = None
    case_id: str | None = None
    investigation_id: str | None = None
    decision_id: str | None = None
    note: dict | None = None
    provider_a: dict | None = None
    provider_b: dict | None = None
    order_a: dict | None = None
    order_b: dict | None = None
    order_b_etag: str | None = None      # the provider's last read of order B, for If-Match
    trace_id: str | None = None          # of POST /orders/{id}/send
    sent_at: datetime | None = None
    watch: dict | None = None
    watch_list: dict | None = None
    reminder: Message | None = None
    deliveries: list[dict] = field(default_factory=list)
    basis: dict | None = None


# Answers that mean "another service has not heard of it yet": the events are on their way.
NOT_YET = {("journal", 409, "case_not_known"), ("orders", 409, "case_not_known"),
           ("orders", 409, "decision_not_known")}


class Flow:
    def __init__(self, urls: Urls, token: TokenFactory, mailbox: Mailbox, *,
                 report: Callable[[Done], None] | None = None, caseworker: str = "anna", unit: str = "vuxen",
                 ignore_seconds: float = 4.0, timeout: float = 30.0, clock: Clock | None = None):
        self.urls = urls
        # The services' clock (tests start them away from real time); dates are Swedish dates.
        self.clock = clock or Clock()
        self.token = token
        self.mailbox = mailbox
        self.report = report or (lambda done: None)
        self.caseworker = caseworker
        self.unit = unit
        self.ignore_seconds = ignore_seconds
        self.timeout = timeout
        self.state = State(run=uuid.uuid4().hex[:8])
        self.done: list[Done] = []
        self.client = httpx.AsyncClient(timeout=timeout)

    async def __aenter__(self) -> "Flow":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()

    # Playing.

    @property
    def next_step(self) -> str | None:
        return STEP_NAMES[len(self.done)] if len(self.done) < len(STEPS) else None

    async def run(self, until: str | None = None) -> list[Done]:
        """Play the steps not yet played, up to and including `until` (every step by default)."""
        if until is not None and until not in STEP_NAMES:
            raise ValueError(f"no step {until!r}; the steps are: {', '.join(STEP_NAMES)}")
        played = []
        while self.next_step is not None:
            step = STEPS[len(self.done)]
            started = time.monotonic()
            details = await getattr(self, step.name)() or {}
            done = Done(step, details, time.monotonic() - started)
            self.done.append(done)
            played.append(done)
            self.report(done)
            if step.name == until:
                break
        return played

    def expected_events(self) -> Counter:
        """Events of each type the steps played so far must have produced, each exactly once."""
        total: Counter = Counter()
        for done in self.done:
            total.update(done.step.events)
        return total

    # HTTP.

    def auth(self, role: str, sub: str, **claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, sub, **claims)}"}

    def caseworker_auth(self) -> dict[str, str]:
        return self.auth("caseworker", self.caseworker, unit=self.unit)

    def provider_auth(self, provider: dict) -> dict[str, str]:
        return self.auth("provider_user", f"utforare-{provider['name'].split()[0].lower()}",
                         provider_id=provider["id"])

    async def call(self, service: str, method: str, path: str, *, expect: int | tuple[int, ...] = (200, 201),
                   headers: dict | None = None, retry_sent: bool = False, with_etag: bool = False,
                   **kwargs) -> Any:
        """One request, with its answer's JSON (and with `with_etag`, its ETag too: (JSON, ETag)).
        Retried while the service is unreachable (a request that never arrived) or does not yet
        know what another service announced; a request that may have arrived is retried only if
        `retry_sent` (it is idempotent)."""
        url = getattr(self.urls, service) + path
        expect = (expect,) if isinstance(expect, int) else expect
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                response = await self.client.request(method, url, headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if time.monotonic() > deadline:
                    raise FlowError(f"{method} {url}: {service} unreachable: {exc!r}") from exc
                await asyncio.sleep(0.3)
                continue
            except httpx.TransportError as exc:
                if not retry_sent or time.monotonic() > deadline:
                    raise FlowError(f"{method} {url}: {exc!r}") from exc
                await asyncio.sleep(0.3)
                continue
            if response.status_code in expect:
                body = response.json() if response.content else None
                return (body, response.headers.get("ETag")) if with_etag else body
            code = _code(response)
            if (service, response.status_code, code) in NOT_YET and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                continue
            raise FlowError(f"{method} {url} answered {response.status_code}: {response.text[:500]}")

    async def until(self, what: str, check: Callable[[], Awaitable[Any]], timeout: float | None = None) -> Any:
        """Poll `check` until it returns something truthy."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = await check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise FlowError(f"gave up waiting for {what}")
            await asyncio.sleep(0.2)

    # The steps, in order.

    async def register_person(self) -> dict:
        s = self.state
        s.pin = random_pin()
        person = await self.call("registry", "POST", "/persons", headers=self.caseworker_auth(),
                                 json={"pin": s.pin, "first_name": "Karin", "last_name": "Berg"})
        s.person_id = person["id"]
        return {"person": s.person_id, "personnummer": person["pin"]}

    async def open_case(self) -> dict:
        s = self.state
        case = await self.call("registry", "POST", "/cases", headers=self.caseworker_auth(),
                               json={"unit": self.unit, "kind": "SoL", "person_id": s.person_id})
        s.case_id = case["id"]
        return {"case": s.case_id, "unit": self.unit}

    async def investigate(self) -> dict:
        s = self.state
        investigation = await self.call("registry", "POST", f"/cases/{s.case_id}/investigations", json={},
                                        headers=self.caseworker_auth())
        s.investigation_id = investigation["id"]
        return {"investigation": s.investigation_id, "due_on": investigation["due_on"]}

    async def decide(self) -> dict:
        s = self.state
        today = self.clock.today()
        decision = await self.call("registry", "POST", f"/cases/{s.case_id}/decisions", headers=self.caseworker_auth(),
                                   json={"intervention": INTERVENTION, "investigation_id": s.investigation_id,
                                         "reasons": "Karin har behov av hjälp med inköp och städning för att"
                                                    " uppnå en skälig levnadsnivå.",
                                         "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)",
                                         "scope_amount": "12", "valid_from": today.isoformat(),
                                         "valid_to": (today + timedelta(days=365)).isoformat(),
                                         "follow_up_on": (today + timedelta(days=90)).isoformat(),
                                         "communication": {"communicated": True, "communicated_on": today.isoformat(),
                                                           "method": "letter"}})
        s.decision_id = decision["id"]
        return {"decision": s.decision_id, "intervention": INTERVENTION,
                "valid": f"{decision['valid_from']} – {decision['valid_to']}",
                "communicated": f"{decision['communication']['method']} {decision['communication']['communicated_on']}"}

    async def write_note(self) -> dict:
        s = self.state
        s.note = await self.call("journal", "POST", f"/cases/{s.case_id}/notes", retry_sent=True,
                                 headers={**self.caseworker_auth(), "Idempotency-Key": f"{s.run}-note"},
                                 json={"occurred_on": (self.clock.today() - timedelta(days=1)).isoformat(),
                                       "text": "Hembesök. Karin berättade att hon behöver hjälp med inköp och städning.",
                                       "source": "person",
                                       "withheld_text": "Sonen ringde i förtroende och oroar sig för hennes minne.",
                                       "withheld_reason": "OSL 26 kap. 5 §"})
        return {"note": s.note["id"], "occurred_on": s.note["occurred_on"]}

    async def correct_note(self) -> dict:
        s = self.state
        corrected_on = (self.clock.today() - timedelta(days=2)).isoformat()
        s.note = await self.call("journal", "POST", f"/notes/{s.note['id']}/corrections",
                                 headers=self.caseworker_auth(),
                                 json={"based_on_version": s.note["current_version"], "occurred_on": corrected_on,
                                       "reason": "Fel datum: hembesöket var i förrgår."})
        note = await self.call("journal", "GET", f"/notes/{s.note['id']}", headers=self.caseworker_auth(),
                               retry_sent=True)
        s.note = note
        old = next(v for v in note["versions"] if v["version"] == 1)
        return {"note": note["id"], "versions": len(note["versions"]), "occurred_on": note["occurred_on"],
                "version 1": f"struck through ({old['struck_reason']})" if old["struck"] else "current"}

    async def register_providers(self) -> dict:
        s = self.state
        specialist = self.auth("object_specialist", "olle")
        made = []
        for name in ("Alfa Hemtjänst AB", "Beta Omsorg AB"):
            made.append(await self.call("orders", "POST", "/providers", headers=specialist, json={
                "name": name, "organisation_number": organisation_number(),
                "email": f"bestallning-{s.run}@{name.split()[0].lower()}.example",
                "interventions": [INTERVENTION]}))
        s.provider_a, s.provider_b = made
        return {"A": f"{s.provider_a['name']} <{s.provider_a['email']}>",
                "B": f"{s.provider_b['name']} <{s.provider_b['email']}>"}

    async def draft_order(self) -> dict:
        s = self.state
        s.order_a = await self.call("orders", "POST", "/orders", retry_sent=True,
                                    headers={**self.caseworker_auth(), "Idempotency-Key": f"{s.run}-order"},
                                    json={"case_id": s.case_id, "decision_id": s.decision_id,
                                          "provider_id": s.provider_a["id"], "intervention": INTERVENTION,
                                          "details": "Hjälp med inköp och städning, två gånger i veckan.",
                                          "wanted_start": self.clock.today().isoformat()})
        return {"order": s.order_a["id"], "provider": s.provider_a["name"], "state": s.order_a["state"]}

    async def send_order(self) -> dict:
        s = self.state
        s.trace_id = secrets.token_hex(16)
        traceparent = f"00-{s.trace_id}-{secrets.token_hex(8)}-01"
        send = f"/orders/{s.order_a['id']}/send"
        headers = {**self.caseworker_auth(), "traceparent": traceparent}
        try:
            s.order_a = await self.call("orders", "POST", send, headers=headers)
        except FlowError as exc:
            if not isinstance(exc.__cause__, httpx.TransportError):
                raise
            # The answer was lost (orders went away with the request in hand): read back what
            # became of the order, once orders is back, and send it only if it was not sent.
            order = await self.call("orders", "GET", f"/orders/{s.order_a['id']}", headers=self.caseworker_auth(),
                                    retry_sent=True)
            s.order_a = order if order["state"] == "sent" else await self.call("orders", "POST", send,
                                                                               headers=headers)
        s.sent_at = datetime.fromisoformat(s.order_a["sent_at"])
        return {"order": s.order_a["id"], "state": s.order_a["state"], "trace": s.trace_id}

    async def provider_ignores(self) -> dict:
        s = self.state
        address = s.provider_a["email"]
        mails = await self.until(f"the new-order mail to {address}", self._mail(address, "Ny beställning"))
        lain = self.ignore_seconds - (self.clock.now() - s.sent_at).total_seconds()
        if lain > 0:
            await asyncio.sleep(lain)
        return {"mail": str(mails[0]["Subject"]), "opened": "no"}

    async def two_days_later(self) -> dict:
        s = self.state
        due = REMINDER_AFTER.from_moment(s.sent_at)
        moment = due + timedelta(seconds=0.5)
        response = await self.client.post(f"{self.urls.watch}/admin/clock", json={"now": moment.isoformat()},
                                          headers=self.auth("service", "flow-clock"))
        if response.status_code == 409 and _code(response) == "clock_backwards":
            # An earlier run moved it further; what is due fires by itself.
            return {"watch clock": "already later than " + _local(moment)}
        if response.status_code != 200:
            raise FlowError(f"POST /admin/clock answered {response.status_code}: {response.text[:500]}")
        return {"watch clock": _local(datetime.fromisoformat(response.json()["now"])),
                "timers fired": response.json()["fired"]}

    async def see_watch(self) -> dict:
        s = self.state

        async def raised():
            listed = await self.call("watch", "GET", "/watches", headers=self.caseworker_auth(), retry_sent=True)
            mine = [w for w in listed["items"] if w["subject_id"] == s.order_a["id"]]
            return mine and (listed, mine[0])
        s.watch_list, s.watch = await self.until("the watch on the unconfirmed order", raised)
        return {"watch": s.watch["kind"], "assignee": s.watch["assignee"], "due_on": s.watch["due_on"],
                "on the list": sum(c["open"] for c in s.watch_list["counts"].values())}

    async def see_reminder(self) -> dict:
        address = self.state.provider_a["email"]
        mails = await self.until(f"the reminder to {address}", self._mail(address, "Påminnelse"))
        self.state.reminder = mails[0]
        return {"to": address, "subject": str(mails[0]["Subject"])}

    async def redirect_order(self) -> dict:
        s = self.state
        s.order_b = await self.call("orders", "POST", f"/orders/{s.order_a['id']}/redirect",
                                    headers=self.caseworker_auth(),
                                    json={"provider_id": s.provider_b["id"],
                                          "reason": "Utförare A har inte svarat; B har plats."})
        return {"new order": s.order_b["id"], "provider": s.provider_b["name"], "state": s.order_b["state"],
                "old order": f"{s.order_a['id']} recalled"}

    async def provider_opens(self) -> dict:
        s = self.state
        opened, s.order_b_etag = await self.call("orders", "GET", f"/provider/orders/{s.order_b['id']}",
                                                 headers=self.provider_auth(s.provider_b), retry_sent=True,
                                                 with_etag=True)
        return {"order": opened["id"], "state": opened["state"]}

    async def confirm(self) -> dict:
        s = self.state
        confirmed, s.order_b_etag = await self.call(
            "orders", "POST", f"/provider/orders/{s.order_b['id']}/confirm", with_etag=True,
            headers={**self.provider_auth(s.provider_b), "If-Match": s.order_b_etag})
        return {"order": confirmed["id"], "state": confirmed["state"]}

    async def start(self) -> dict:
        s = self.state
        started, s.order_b_etag = await self.call(
            "orders", "POST", f"/provider/orders/{s.order_b['id']}/start", with_etag=True,
            headers={**self.provider_auth(s.provider_b), "If-Match": s.order_b_etag},
            json={"started_on": self.clock.today().isoformat()})
        return {"order": started["id"], "state": started["state"], "started_on": started["started_on"]}

    async def report_deliveries(self) -> dict:
        s = self.state
        for n, minutes in enumerate(DELIVERED_MINUTES):
            s.deliveries.append(await self.call(
                "orders", "POST", f"/provider/orders/{s.order_b['id']}/deliveries", retry_sent=True,
                headers={**self.provider_auth(s.provider_b), "Idempotency-Key": f"{s.run}-delivery-{n}"},
                json={"delivered_on": self.clock.today().isoformat(), "minutes": minutes}))
        return {"reports": len(s.deliveries), "minutes": sum(d["quantity"] for d in s.deliveries)}

    async def reimbursement_basis(self) -> dict:
        s = self.state
        s.basis = await self.call("orders", "GET", "/reimbursements", headers=self.auth("object_specialist", "olle"),
                                  params={"provider_id": s.provider_b["id"], "month": self.clock.today().strftime("%Y-%m")},
                                  retry_sent=True)
        line = next((x for x in s.basis["items"] if x["order_id"] == s.order_b["id"]), None)
        if line is None:
            raise FlowError(f"no line for order {s.order_b['id']} in the basis: {s.basis}")
        return {"provider": s.provider_b["name"], "month": s.basis["month"],
                "line": f"{line['quantity']} {line['measure']} of {line['intervention']} = {kronor(line['amount_ore'])}",
                "total": kronor(s.basis["total_ore"])}

    def _mail(self, address: str, subject_start: str):
        async def check():
            return [m for m in self.mailbox(address) if str(m["Subject"]).startswith(subject_start)]
        return check


def _code(response: httpx.Response) -> str | None:
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        return response.json().get("code")
    return None


def _local(moment: datetime) -> str:
    return moment.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M:%S %Z")




def kronor(ore: int) -> str:
    return f"{ore // 100:,}".replace(",", " ") + f",{ore % 100:02d} kr"


def random_pin() -> str:
    """A valid personnummer (YYYYMMDDNNNC) of a random adult."""
    born = date(1940, 1, 1) + timedelta(days=random.randrange(60 * 365))
    short = f"{born:%y%m%d}{random.randrange(1, 1000):03d}"
    return f"{born:%Y}{short[2:]}{luhn_check_digit(short)}"


def organisation_number() -> str:
    """A valid organisation number of an aktiebolag (55NNNN-NNNC), random so runs do not collide."""
    body = "55" + "".join(random.choice("0123456789") for _ in range(7))
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def mailbox_of_files(folder) -> Mailbox:
    """A mailbox over the .eml files a mail catcher writes (deploy/local/mailcatcher.py)."""
    from pathlib import Path

    def to(address: str) -> list[Message]:
        found = []
        for path in sorted(Path(folder).glob("*.eml")):
            raw = path.read_bytes()
            if address.encode() not in raw:
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if message["To"] == address:
                found.append(message)
        return found
    return to
