"""Registering a person from a search that found no one, opening a case about them and starting
its investigation, on the real registry: what the registry refuses is said in Swedish with what was
typed kept; a form posted twice makes one person, one case, one investigation; a form without the
session's CSRF token, or from a role that may not, makes nothing."""
import asyncio
import html
import re
import uuid

import httpx

from services.web import texts
from tests.integration.web.conftest import backend, csrf_of, sign_in
from tests.pins import make_pin

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/persons/([0-9a-f-]{36})"')


async def registry_call(env, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry:
        return await registry.request(method, path, headers=env.auth("caseworker", sub="anna", unit="vuxen"),
                                      **kwargs)


async def found(env, pin: str) -> list[dict]:
    answer = await registry_call(env, "POST", "/persons/search", json={"pin": pin})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def cases_of(env, person_id: str) -> list[dict]:
    """The person's cases as the registry holds them (its API lists no cases by person)."""
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT id, kind, unit, caseworker FROM registry.cases WHERE person_id = $1",
                                uuid.UUID(person_id))
    finally:
        await conn.close()
    return [{**dict(r), "id": str(r["id"])} for r in rows]


async def registration_form(client: httpx.AsyncClient, pin: str) -> httpx.Response:
    """The registration form as reached from a search that found no one."""
    search = await client.post("/persons/search", data={"csrf_token": csrf_of(await client.get("/persons/search")),
                                                        "pin": pin})
    assert search.status_code == 200, search.text
    assert "ingen person med det numret finns" in search.text and "Registrera person" in search.text
    form = await client.post("/persons/new", data={"csrf_token": csrf_of(search), "pin": pin})
    assert form.status_code == 200, form.text
    return form


async def registered(env, client: httpx.AsyncClient, first_name: str = "Karin") -> tuple[str, str]:
    pin = make_pin()
    form = await registration_form(client, pin)
    answer = await client.post("/persons", data={"csrf_token": csrf_of(form), "pin": pin, "first_name": first_name,
                                                 "last_name": "Berg"})
    assert answer.status_code == 303, answer.text
    return pin, answer.headers["location"].split("/persons/")[1].split("?")[0]


async def test_a_person_not_found_is_registered_with_the_number_of_the_search(web):
    env, client = web
    pin = make_pin()
    form = await registration_form(client, pin)
    assert f'value="{pin}"' in form.text
    answer = await client.post("/persons", data={
        "csrf_token": csrf_of(form), "pin": pin, "first_name": "Karin", "last_name": "Berg",
        "street": "Storgatan 12", "postal_code": "722 15", "city": "Västerås"})
    assert answer.status_code == 303, answer.text
    page = await client.get(answer.headers["location"])
    assert page.status_code == 200
    assert texts.DONE["person_registered"] in page.text and "Karin Berg" in page.text
    [person] = await found(env, pin)
    assert (person["first_name"], person["last_name"]) == ("Karin", "Berg")
    assert person["address"] == {"street": "Storgatan 12", "postal_code": "722 15", "city": "Västerås"}
    assert answer.headers["location"] == f"/persons/{person['id']}?done=person_registered"


async def test_a_person_posted_twice_is_one_person_and_the_second_says_so_with_a_link(web):
    env, client = web
    pin = make_pin()
    form = await registration_form(client, pin)
    data = {"csrf_token": csrf_of(form), "pin": pin, "first_name": "Karin", "last_name": "Berg"}
    first, second = await asyncio.gather(client.post("/persons", data=data), client.post("/persons", data=data))
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [303, 409], (first.text, second.text)
    [person] = await found(env, pin)
    refused = first if first.status_code == 409 else second
    assert texts.PERSON_PROBLEMS["person_exists"][1] in html.unescape(refused.text)
    assert f'href="/persons/{person["id"]}"' in refused.text


async def test_an_invalid_number_and_missing_names_are_said_in_swedish_and_the_input_is_kept(web):
    env, client = web
    form = await client.get("/persons/new")
    assert form.status_code == 200
    answer = await client.post("/persons", data={"csrf_token": csrf_of(form), "pin": "19121212-1213",
                                                 "first_name": "Karin", "last_name": "Berg",
                                                 "street": "Storgatan 1", "postal_code": "722 15",
                                                 "city": "Västerås"})
    assert answer.status_code == 422, answer.text
    text = html.unescape(answer.text)
    assert texts.PROBLEMS["invalid_personal_identity_number"] in text
    assert 'value="19121212-1213"' in answer.text and 'value="Storgatan 1"' in answer.text
    pin = make_pin()
    answer = await client.post("/persons", data={"csrf_token": csrf_of(form), "pin": pin, "first_name": "",
                                                 "last_name": "", "street": "Storgatan 1"})
    assert answer.status_code == 422, answer.text
    text = html.unescape(answer.text)
    for name in ("first_name", "last_name", "postal_code", "city"):
        assert texts.PERSON_FIELD_INVALID[name] in text, name
    assert 'aria-invalid="true"' in answer.text
    assert await found(env, pin) == []


async def test_registering_without_the_csrf_token_or_as_a_provider_makes_no_one(web, web_env):
    env, client = web
    pin = make_pin()
    form = await client.get("/persons/new")
    for fields in ({"pin": pin, "first_name": "Karin", "last_name": "Berg"},
                   {"csrf_token": "gissad", "pin": pin, "first_name": "Karin", "last_name": "Berg"}):
        refused = await client.post("/persons", data=fields)
        assert refused.status_code == 403
        assert texts.PROBLEMS["csrf"] in html.unescape(refused.text)
    _, _, web_process, _ = web_env
    async with httpx.AsyncClient(base_url=web_process.url, timeout=60) as provider:
        assert (await sign_in(provider, role="provider_user", sub="utforare-x",
                              provider_id=str(uuid.uuid4()))).status_code == 303
        form = await provider.get("/persons/new")
        refused = await provider.post("/persons", data={"csrf_token": csrf_of(form), "pin": pin,
                                                        "first_name": "Karin", "last_name": "Berg"})
        assert refused.status_code == 403, refused.text
        assert texts.PERSON_PROBLEMS["forbidden"][1] in html.unescape(refused.text)
    assert await found(env, pin) == []
    assert form.status_code == 200


async def test_a_case_is_opened_once_from_the_persons_page_and_its_investigation_started_once(web):
    env, client = web
    _, person_id = await registered(env, client)
    page = await client.get(f"/persons/{person_id}")
    assert page.status_code == 200 and 'id="case-kind"' in page.text
    data = {"csrf_token": csrf_of(page), "idempotency_key": KEY.search(page.text).group(1), "kind": "SoL",
            "unit": "vuxen"}
    first, second = await asyncio.gather(client.post(f"/persons/{person_id}/cases", data=data),
                                         client.post(f"/persons/{person_id}/cases", data=data))
    assert (first.status_code, second.status_code) == (303, 303), (first.text, second.text)
    assert first.headers["location"] == second.headers["location"]
    [case] = await cases_of(env, person_id)
    assert (case["kind"], case["unit"], case["caseworker"]) == ("SoL", "vuxen", "anna")
    assert first.headers["location"] == f"/cases/{case['id']}?done=case_opened"

    case_page = await client.get(first.headers["location"])
    assert texts.DONE["case_opened"] in case_page.text and 'id="start-investigation"' in case_page.text
    assert f'href="/persons/{person_id}"' in case_page.text  # back to the person, to open another case
    form = {"csrf_token": csrf_of(case_page)}
    assert (await client.post(f"/cases/{case['id']}/investigations", data={})).status_code == 403
    started, again = await asyncio.gather(client.post(f"/cases/{case['id']}/investigations", data=form),
                                          client.post(f"/cases/{case['id']}/investigations", data=form))
    assert sorted([started.status_code, again.status_code]) == [303, 409], (started.text, again.text)
    refused = started if started.status_code == 409 else again
    assert texts.INVESTIGATION_PROBLEMS["investigation_ongoing"] in html.unescape(refused.text)
    investigations = (await registry_call(env, "GET", f"/cases/{case['id']}/investigations")).json()["items"]
    assert len(investigations) == 1 and investigations[0]["completed_on"] is None
    after = await client.get(f"/cases/{case['id']}?done=investigation_started")
    assert texts.DONE["investigation_started"] in after.text and 'id="start-investigation"' not in after.text


async def test_a_case_without_a_kind_or_in_another_unit_is_refused_in_swedish(web):
    env, client = web
    _, person_id = await registered(env, client, first_name="Stina")
    page = await client.get(f"/persons/{person_id}")
    key = KEY.search(page.text).group(1)
    missing = await client.post(f"/persons/{person_id}/cases", data={"csrf_token": csrf_of(page),
                                                                     "idempotency_key": key, "kind": "",
                                                                     "unit": "vuxen"})
    assert missing.status_code == 422, missing.text
    assert texts.CASE_FIELD_INVALID["kind"] in html.unescape(missing.text)
    other = await client.post(f"/persons/{person_id}/cases", data={"csrf_token": csrf_of(page),
                                                                   "idempotency_key": KEY.search(missing.text).group(1),
                                                                   "kind": "SoL", "unit": "barn"})
    assert other.status_code == 403, other.text
    assert texts.CASE_PROBLEMS["other_unit"][1] in html.unescape(other.text)
    assert 'value="SoL" selected' in other.text
    no_csrf = await client.post(f"/persons/{person_id}/cases", data={"idempotency_key": uuid.uuid4().hex,
                                                                     "kind": "SoL", "unit": "vuxen"})
    assert no_csrf.status_code == 403
    assert await cases_of(env, person_id) == []


async def test_a_provider_cannot_open_a_case_or_start_an_investigation(web, web_env):
    env, client = web
    _, person_id = await registered(env, client, first_name="Maja")
    page = await client.get(f"/persons/{person_id}")
    opened = await client.post(f"/persons/{person_id}/cases", data={
        "csrf_token": csrf_of(page), "idempotency_key": KEY.search(page.text).group(1), "kind": "SoL",
        "unit": "vuxen"})
    assert opened.status_code == 303
    case_id = opened.headers["location"].split("/cases/")[1].split("?")[0]
    _, _, web_process, _ = web_env
    async with httpx.AsyncClient(base_url=web_process.url, timeout=60) as provider:
        assert (await sign_in(provider, role="provider_user", sub="utforare-y",
                              provider_id=str(uuid.uuid4()))).status_code == 303
        csrf = csrf_of(await provider.get("/persons/new"))
        refused = await provider.post(f"/persons/{person_id}/cases", data={
            "csrf_token": csrf, "idempotency_key": uuid.uuid4().hex, "kind": "SoL", "unit": "vuxen"})
        assert refused.status_code == 403 and "Maja" not in refused.text
        started = await provider.post(f"/cases/{case_id}/investigations", data={"csrf_token": csrf})
        assert started.status_code == 403
        assert texts.INVESTIGATION_PROBLEMS["forbidden"] in html.unescape(started.text)
    assert len(await cases_of(env, person_id)) == 1
    investigations = (await registry_call(env, "GET", f"/cases/{case_id}/investigations")).json()["items"]
    assert investigations == []
