"""Every read of a person's data, in every service, reaches the registry's access log
(loggkontroll) with who read it (sub, role), what (the person, the resource) and why (the
`X-Access-Reason` the client gave).

The GET routes, and the searches (POST .../search, which take a personal identity number in the
body so that it is in no URL), come from each service's own OpenAPI document: a route that this file does
not classify — as a logged read of person data, or as not person data with the reason —
fails the test, so a new read route cannot go unlogged unnoticed."""
from collections.abc import Callable
from dataclasses import dataclass

from shared.calendar import add_months
from tests import clock
from tests.pins import make_pin
from tests.security.access.flow import Flow
from tests.stack import SERVICES, eventually


@dataclass(frozen=True)
class Read:
    role: str
    request: Callable[[Flow], tuple[str, dict]]  # the flow -> (path, query parameters)
    claims: Callable[[Flow], dict] = lambda f: {}  # more token claims, e.g. a citizen's {"pin": f.pin}
    body: Callable[[Flow], dict] | None = None  # a search's JSON body: POST instead of GET


# (service, path as in the OpenAPI document) -> how to read the flow's person there.
LOGGED: dict[tuple[str, str], Read] = {
    ("registry", "/persons/search"): Read("family_law", lambda f: ("/persons/search", {}), body=lambda f: {"pin": f.pin}),
    ("registry", "/persons/{person_id}"): Read("support", lambda f: (f"/persons/{f.person_id}", {})),
    ("registry", "/persons/{person_id}/address-grants"):
        Read("supervisor", lambda f: (f"/persons/{f.person_id}/address-grants", {})),
    ("registry", "/address-grants/{grant_id}"): Read("supervisor", lambda f: (f"/address-grants/{f.grant_id}", {})),
    ("registry", "/inquiries/{inquiry_id}"): Read("caseworker", lambda f: (f"/inquiries/{f.inquiry_id}", {})),
    ("registry", "/cases/{case_id}"): Read("object_specialist", lambda f: (f"/cases/{f.case_id}", {})),
    ("registry", "/cases/{case_id}/investigations"):
        Read("supervisor", lambda f: (f"/cases/{f.case_id}/investigations", {})),
    ("registry", "/cases/{case_id}/inquiries"): Read("caseworker", lambda f: (f"/cases/{f.case_id}/inquiries", {})),
    ("registry", "/cases/{case_id}/decisions"): Read("caseworker", lambda f: (f"/cases/{f.case_id}/decisions", {})),
    ("registry", "/cases/{case_id}/record"): Read("caseworker", lambda f: (f"/cases/{f.case_id}/record", {})),
    ("registry", "/decisions/{decision_id}"): Read("caseworker", lambda f: (f"/decisions/{f.decision_id}", {})),
    ("registry", "/cases/{case_id}/decisions/{decision_id}/letter"):
        Read("caseworker", lambda f: (f"/cases/{f.case_id}/decisions/{f.decision_id}/letter", {})),
    ("registry", "/cases/{case_id}/decisions/{decision_id}/execution"):
        Read("supervisor", lambda f: (f"/cases/{f.case_id}/decisions/{f.decision_id}/execution", {})),
    ("registry", "/investigations/{investigation_id}"):
        Read("caseworker", lambda f: (f"/investigations/{f.investigation_id}", {})),
    ("registry", "/cases/{case_id}/investigations/{investigation_id}/extensions"):
        Read("caseworker", lambda f: (f"/cases/{f.case_id}/investigations/{f.investigation_id}/extensions", {})),
    ("registry", "/me/decisions/{decision_id}/letter"):
        Read("citizen", lambda f: (f"/me/decisions/{f.decision_id}/letter", {}), lambda f: {"pin": f.pin}),
    ("registry", "/cases/{case_id}/removals"): Read("support", lambda f: (f"/cases/{f.case_id}/removals", {})),
    ("registry", "/cases/{case_id}/reassignments"):
        Read("supervisor", lambda f: (f"/cases/{f.case_id}/reassignments", {})),
    ("registry", "/inquiries/{inquiry_id}/reassignments"):
        Read("caseworker", lambda f: (f"/inquiries/{f.open_inquiry_id}/reassignments", {})),
    ("registry", "/worklists/intake"): Read("caseworker", lambda f: ("/worklists/intake", {"limit": 200})),
    ("registry", "/worklists/cases"): Read("supervisor", lambda f: ("/worklists/cases", {"scope": "unit", "limit": 200})),
    ("registry", "/persons/{person_id}/decisions-in-force"):
        Read("caseworker", lambda f: (f"/persons/{f.person_id}/decisions-in-force", {})),
    ("registry", "/occurrences/search"): Read("family_law", lambda f: ("/occurrences/search", {}),
                                              body=lambda f: {"pin": f.pin}),
    ("registry", "/audit"): Read("supervisor", lambda f: ("/audit", {"person_id": f.person_id})),
    ("registry", "/retention/dry-run"): Read("object_specialist", lambda f: (
        "/retention/dry-run", {"person_id": f.person_id, "on": add_months(clock.today(), 120).isoformat()})),
    ("registry", "/me/cases"): Read("citizen", lambda f: ("/me/cases", {}), lambda f: {"pin": f.pin}),
    ("registry", "/me/decisions"): Read("citizen", lambda f: ("/me/decisions", {}), lambda f: {"pin": f.pin}),
    ("journal", "/cases/{case_id}/notes"): Read("caseworker", lambda f: (f"/cases/{f.case_id}/notes", {})),
    ("journal", "/notes/{note_id}"): Read("supervisor", lambda f: (f"/notes/{f.note_id}", {})),
    ("journal", "/archive/notes/{note_id}"): Read("support", lambda f: (f"/archive/notes/{f.note_id}", {})),
    ("journal", "/me/notes"): Read("citizen", lambda f: ("/me/notes", {}), lambda f: {"pin": f.pin}),
    ("journal", "/me/notes/{note_id}"): Read("citizen", lambda f: (f"/me/notes/{f.note_id}", {}),
                                             lambda f: {"pin": f.pin}),
    ("orders", "/orders"): Read("caseworker", lambda f: ("/orders", {"case_id": f.case_id})),
    ("orders", "/orders/{order_id}"): Read("supervisor", lambda f: (f"/orders/{f.order_id}", {})),
    ("orders", "/persons/{person_id}/orders"): Read("caseworker", lambda f: (f"/persons/{f.person_id}/orders", {})),
    ("orders", "/provider/orders"): Read("provider_user", lambda f: ("/provider/orders", {})),
    ("orders", "/provider/orders/{order_id}"): Read("provider_user", lambda f: (f"/provider/orders/{f.order_id}", {})),
    ("orders", "/me/orders"): Read("citizen", lambda f: ("/me/orders", {}), lambda f: {"pin": f.pin}),
    ("orders", "/reimbursements"): Read("object_specialist", lambda f: (
        "/reimbursements", {"provider_id": f.provider["id"], "month": f.month})),
}

OPERATIONS = "operations: the process, its metrics and the event contract; no data of anyone"
NOT_PERSON_DATA: dict[tuple[str, str], str] = {
    **{(service, path): OPERATIONS for service in SERVICES
       for path in ("/health", "/ready", "/metrics", "/events/asyncapi.json")},
    ("orders", "/providers"): "the register of providers (companies), no person in it",
    ("orders", "/providers/{provider_id}"): "one provider (a company) of the register, no person in it",
    ("orders", "/providers/{provider_id}/webhook-secret"): "when a provider's webhook secret was issued and "
                                                           "by which member of staff; never the secret, no client",
    ("orders", "/prices"): "the price list",
    ("registry", "/interventions"): "the intervention catalogue",
    ("registry", "/staff"): "the staff directory: members of staff by their token subject, no client in it",
    ("registry", "/staff/{subject}"): "one member of staff; no client in it",
    ("registry", "/covers"): "who stands in for whom among staff, and when; no client in it",
    ("registry", "/covers/{cover_id}"): "one cover among staff; no client in it",
    ("registry", "/worklists/unit-overview"): "counts of open cases, inquiries and deadlines per caseworker; no person",
    ("registry", "/retention/cullings/{culling_id}"): "a culling's rule, approver and which services confirmed it, in"
                                                      " counts of rows; it names no person",
    # The watch and notify services hold no person: no person id, name, number or address.
    # Their lists name cases and orders by id only; whoever follows such an id to the case or
    # order reads it (and is logged) in the registry, the journal or orders.
    ("watch", "/watches"): "work items naming cases and orders by id; the watch service holds no person",
    ("watch", "/watches/{watch_id}"): "one such work item, open or resolved; no person",
    ("watch", "/reports/unexecuted-decisions"):
        "a unit's decisions by id and date, with gender and year of birth as IVO's report asks; no person id,"
        " name, number or address",
    ("watch", "/reports/unexecuted-decisions.csv"): "the same report as CSV",
    ("watch", "/reports/unexecuted-decisions/summary"): "numbers by law, gender and status",
    ("notify", "/deliveries"): "the delivery log: provider addresses and order ids; notify holds no person",
    ("notify", "/notifications"): "a user's own notifications, texts without person data (templates.py)",
}


async def get_routes(flow: Flow) -> set[tuple[str, str]]:
    routes = set()
    for service in SERVICES:
        document = (await flow.clients[service].get("/openapi.json")).json()
        routes |= {(service, path) for path, operations in document["paths"].items()
                   if "get" in operations or ("post" in operations and path.endswith("/search"))}
    return routes


async def test_every_get_route_is_known_as_a_logged_read_or_as_not_person_data(flow):
    routes = await get_routes(flow)
    unknown = routes - LOGGED.keys() - NOT_PERSON_DATA.keys()
    assert not unknown, (f"GET routes neither logged nor stated to carry no person data: {sorted(unknown)}; "
                         "add each to LOGGED (and log the read) or to NOT_PERSON_DATA with the reason")
    gone = (LOGGED.keys() | NOT_PERSON_DATA.keys()) - routes
    assert not gone, f"classified routes that no service has any more: {sorted(gone)}"


async def test_every_read_of_the_persons_data_reaches_the_access_log(flow):
    routes = await get_routes(flow)
    expected: dict[str, tuple[str, str, str, str]] = {}  # reader's sub -> (service, path, role, reason)
    for i, ((service, path), read) in enumerate(sorted(LOGGED.items())):
        if (service, path) not in routes:
            continue  # reported by the test above
        sub, reason = f"reader-{i}", f"kontroll {i}: {service} {path}"
        url, params = read.request(flow)
        response = await flow.clients[service].request(
            "POST" if read.body else "GET", url, params=params, json=read.body(flow) if read.body else None,
            headers={**flow.auth(read.role, sub, **read.claims(flow)), "X-Access-Reason": reason})
        assert response.status_code == 200, f"{service} GET {path} as {read.role}: {response.text}"
        expected[sub] = (service, path, read.role, reason)

    async def logged():
        response = await flow.clients["registry"].get(
            "/audit", params={"person_id": flow.person_id, "limit": 200}, headers=flow.auth("support", "loggkontroll"))
        assert response.status_code == 200, response.text
        entries = {e["actor"]: e for e in response.json()["items"]}
        return entries if expected.keys() <= entries.keys() else None

    entries = await eventually(logged, timeout=30)
    if not entries:
        response = await flow.clients["registry"].get(
            "/audit", params={"person_id": flow.person_id, "limit": 200}, headers=flow.auth("support", "loggkontroll"))
        actors = {e["actor"] for e in response.json()["items"]}
        missing = sorted(f"{expected[sub][0]} GET {expected[sub][1]}" for sub in expected.keys() - actors)
        raise AssertionError(f"reads of the person not in the access log: {missing}")
    for sub, (service, _, role, reason) in expected.items():
        entry = entries[sub]
        assert entry["service"] == f"omsorg/{service}", entry
        assert role in entry["roles"], entry
        assert entry["reason"] == reason, entry
        assert entry["resource"] and entry["action"], entry


async def test_refusals_and_answers_that_show_a_person_are_logged_and_reviewable_per_user(flow):
    """A refused look at another unit's case, notes, inquiry or orders is logged against the
    person as refused; a 409 that names the registered person and a signature that returns the
    whole note are reads; a search that finds no one stays reviewable by the searcher; and the
    log can be read per member of staff as well as per person."""
    c, other_unit = flow.clients, {"unit": "barn"}
    refused = [("registry", f"/cases/{flow.case_id}"), ("registry", f"/inquiries/{flow.inquiry_id}"),
               ("journal", f"/cases/{flow.case_id}/notes"), ("orders", f"/orders/{flow.order_id}"),
               ("orders", f"/orders?case_id={flow.case_id}")]
    for service, path in refused:
        response = await c[service].get(path, headers=flow.auth("caseworker", "nyfiken", **other_unit))
        assert response.status_code in (404, 409), (service, path, response.text)  # as if not there
    again = await c["registry"].post("/persons", headers=flow.auth("caseworker", "dubblett", unit="barn"),
                                     json={"pin": flow.pin, "first_name": "Sara", "last_name": "Skyddad"})
    assert again.status_code == 409 and again.json()["person_id"] == str(flow.person_id)
    # A supervisor of another unit reads the note, and may not sign it; the note's own unit's may.
    outsider = flow.auth("supervisor", "utomstaende", unit="barn")
    note = (await c["journal"].get(f"/notes/{flow.note_id}", headers=outsider)).json()
    refused_sign = await c["journal"].post(f"/notes/{flow.note_id}/sign", headers=outsider,
                                           json={"version": note["current_version"]})
    assert refused_sign.status_code in (403, 404), refused_sign.text
    signer = flow.auth("supervisor", "signerare")
    signed = await c["journal"].post(f"/notes/{flow.note_id}/sign", headers=signer,
                                     json={"version": note["current_version"]})
    assert signed.status_code in (200, 201), signed.text
    unknown = await c["registry"].post("/persons/search", headers=flow.auth("family_law", "sökare"),
                                       json={"pin": make_pin()})
    assert unknown.status_code == 200 and unknown.json()["found"] is False

    support = flow.auth("support", "loggkontroll")

    async def person_log():
        response = await c["registry"].get("/audit", params={"person_id": flow.person_id, "limit": 200},
                                           headers=support)
        entries = response.json()["items"]
        wanted = {("nyfiken", "read_refused"), ("dubblett", "register_refused"), ("signerare", "sign")}
        found = {(e["actor"], e["action"]) for e in entries}
        refusals = [e for e in entries if e["actor"] == "nyfiken"]
        return entries if wanted <= found and len(refusals) == len(refused) else None
    entries = await eventually(person_log, timeout=30)
    assert entries, "refusals and reads that show the person are missing from the person's log"
    assert {e["service"] for e in entries if e["actor"] == "nyfiken"} == \
        {"omsorg/registry", "omsorg/journal", "omsorg/orders"}

    async def actor_log(actor):
        response = await c["registry"].get("/audit", params={"actor": actor}, headers=support)
        assert response.status_code == 200, response.text
        return response.json()["items"] or None
    assert len(await eventually(lambda: actor_log("nyfiken"), timeout=30)) == len(refused)
    searched = await eventually(lambda: actor_log("sökare"), timeout=30)
    assert [e["action"] for e in searched] == ["search_found_no_one"] and searched[0]["person_id"] is None
    neither = await c["registry"].get("/audit", headers=support)
    assert neither.status_code == 422 and neither.json()["code"] == "person_or_actor"
