"""A case handed over to another responsible caseworker from its page (byt handläggare), on a real
registry: the new caseworker chosen among the unit's staff in the directory, a reason required,
the case's ETag as shown in If-Match so that a case someone else handed over meanwhile is not
handed over again unseen; and what the registry refuses, said in Swedish."""
import html
import re
import uuid

import httpx
import pytest

from tests.integration.web.conftest import backend, created, csrf_of, sign_in
from tests.pins import register_person

ETAG = re.compile(r'name="etag" value="([^"]*)"')
REASON = "Anna går på föräldraledighet; Bertil tar över ärendet."


@pytest.fixture
async def unit_case(web_env):
    """An open case of unit barn that Anna is responsible for, and the unit's staff in the
    directory: Anna and Bertil (caseworkers), Carl (no longer in service) and Greta (supervisor).
    Unit barn, so that the lists of unit vuxen that other tests read keep their length."""
    env, _, _, _ = web_env
    tag = uuid.uuid4().hex[:6]
    staff = {name: f"{name}-{tag}" for name in ("anna", "bertil", "carl", "greta")}
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry:
        for name, level, active_to in (("anna", "caseworker", None), ("bertil", "caseworker", None),
                                       ("carl", "caseworker", "2025-12-31"), ("greta", "supervisor", None)):
            put = await registry.put(f"/staff/{staff[name]}", headers=env.auth("support", "admin"), json={
                "name": f"{name.capitalize()} Testsson", "title": "Socialsekreterare", "unit": "barn",
                "delegation_level": level, "active_from": "2024-01-01", "active_to": active_to})
            assert put.status_code == 201, put.text
        auth = env.auth("caseworker", sub=staff["anna"], unit="barn")
        person = await register_person(registry, auth, first_name="Rut", last_name="Reassignsson")
        case = created(await registry.post("/cases", headers=auth,
                                           json={"unit": "barn", "kind": "SoL", "person_id": person}))
    assert case["caseworker"] == staff["anna"]
    return {**staff, "case": case}


@pytest.fixture
async def as_greta(web_env, unit_case):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        assert (await sign_in(client, role="supervisor", sub=unit_case["greta"], unit="barn")).status_code == 303
        yield client


def form_of(page: httpx.Response, **fields: str) -> dict:
    return {"csrf_token": csrf_of(page), "etag": html.unescape(ETAG.search(page.text).group(1)), **fields}


async def caseworker_of(env, case_id: str) -> str:
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=30) as registry:
        answer = await registry.get(f"/cases/{case_id}", headers=env.auth("supervisor", "greta", unit="barn"))
        assert answer.status_code == 200, answer.text
        return answer.json()["caseworker"]


async def test_a_supervisor_hands_a_case_over_from_its_page(web_env, as_greta, unit_case):
    env, _, _, _ = web_env
    case_id = unit_case["case"]["id"]
    case = await as_greta.get(f"/cases/{case_id}")
    assert f'<a href="/cases/{case_id}/reassign">Byt ansvarig handläggare</a>' in case.text

    page = await as_greta.get(f"/cases/{case_id}/reassign")
    assert page.status_code == 200 and "Byt ansvarig handläggare i ärende SoL" in page.text
    offered = re.findall(r'<option value="([^"]+)"', page.text)
    # The unit's staff in service today, but not the one already responsible.
    assert unit_case["bertil"] in offered and unit_case["greta"] in offered
    assert unit_case["anna"] not in offered and unit_case["carl"] not in offered

    done = await as_greta.post(f"/cases/{case_id}/reassign",
                               data=form_of(page, caseworker=unit_case["bertil"], reason=REASON))
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case_id}?done=case_reassigned"
    case = await as_greta.get(done.headers["location"])
    assert "Ärendet har en ny ansvarig handläggare" in case.text
    assert f"<dt>Ansvarig handläggare</dt><dd>{unit_case['bertil']}</dd>" in case.text
    assert await caseworker_of(env, case_id) == unit_case["bertil"]
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=30) as registry:
        history = (await registry.get(f"/cases/{case_id}/reassignments",
                                      headers=env.auth("supervisor", "greta", unit="barn"))).json()["items"]
    assert [(h["previous_caseworker"], h["caseworker"], h["reason"], h["reassigned_by"]) for h in history] == [
        (unit_case["anna"], unit_case["bertil"], REASON, unit_case["greta"])]


async def test_a_reason_is_required_and_the_choice_is_kept(web_env, as_greta, unit_case):
    env, _, _, _ = web_env
    case_id = unit_case["case"]["id"]
    page = await as_greta.get(f"/cases/{case_id}/reassign")
    for reason in ("", "   "):
        refused = await as_greta.post(f"/cases/{case_id}/reassign",
                                      data=form_of(page, caseworker=unit_case["bertil"], reason=reason))
        assert refused.status_code == 422, refused.text
        assert 'id="reassign-reason-error">Skriv varför ärendet byter handläggare' in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert f'<option value="{unit_case["bertil"]}" selected>' in refused.text
    nobody = await as_greta.post(f"/cases/{case_id}/reassign", data=form_of(page, caseworker="", reason=REASON))
    assert nobody.status_code == 422 and "Välj vem som ska bli ansvarig handläggare" in nobody.text
    assert REASON in html.unescape(nobody.text)  # the reason as typed is kept
    same = await as_greta.post(f"/cases/{case_id}/reassign",
                               data=form_of(page, caseworker=unit_case["anna"], reason=REASON))
    assert same.status_code == 409 and "redan ansvarig" in same.text
    assert await caseworker_of(env, case_id) == unit_case["anna"]


async def test_a_case_handed_over_meanwhile_is_told_in_swedish(web_env, as_greta, unit_case):
    env, _, _, _ = web_env
    case_id = unit_case["case"]["id"]
    page = await as_greta.get(f"/cases/{case_id}/reassign")
    # Meanwhile, Anna hands it over to Bertil herself.
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=30) as registry:
        moved = await registry.post(f"/cases/{case_id}/reassignment",
                                    headers=env.auth("caseworker", sub=unit_case["anna"], unit="barn"),
                                    json={"caseworker": unit_case["bertil"], "reason": "Bertil har tid."})
        assert moved.status_code == 200, moved.text
    stale = await as_greta.post(f"/cases/{case_id}/reassign",
                                data=form_of(page, caseworker=unit_case["greta"], reason=REASON))
    assert stale.status_code == 412 and "Ärendet har ändrats sedan du öppnade formuläret" in stale.text
    assert f'<dd id="current-caseworker">{unit_case["bertil"]}</dd>' in stale.text  # the case as it is now
    assert REASON in html.unescape(stale.text)
    assert await caseworker_of(env, case_id) == unit_case["bertil"]
    no_etag = await as_greta.post(f"/cases/{case_id}/reassign",
                                  data={**form_of(stale, caseworker=unit_case["greta"], reason=REASON), "etag": ""})
    assert no_etag.status_code == 412
    again = await as_greta.post(f"/cases/{case_id}/reassign",  # sent again against the version shown now
                                data=form_of(stale, caseworker=unit_case["greta"], reason=REASON))
    assert again.status_code == 303
    assert await caseworker_of(env, case_id) == unit_case["greta"]


async def test_who_may_not_hand_a_case_over_is_told_in_swedish(web_env, unit_case):
    env, _, web, _ = web_env
    case_id = unit_case["case"]["id"]
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, sub=unit_case["bertil"], unit="barn")  # a caseworker of the unit, not responsible
        case = await client.get(f"/cases/{case_id}")
        assert case.status_code == 200 and f"/cases/{case_id}/reassign" not in case.text
        page = await client.get(f"/cases/{case_id}/reassign")
        refused = await client.post(f"/cases/{case_id}/reassign",
                                    data=form_of(page, caseworker=unit_case["bertil"], reason=REASON))
        assert refused.status_code == 403 and "Du får bara byta handläggare i ett ärende som du själv" in refused.text
        assert "spårnummer" in refused.text
        no_csrf = await client.post(f"/cases/{case_id}/reassign",
                                    data={**form_of(page, caseworker=unit_case["bertil"], reason=REASON),
                                          "csrf_token": ""})
        assert no_csrf.status_code == 403 and "säkerhetskod" in no_csrf.text
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, role="provider_user", sub="utforare-x", provider_id=str(uuid.uuid4()))
        page = await client.get(f"/cases/{case_id}/reassign")
        assert page.status_code == 403 and "Du har inte behörighet" in page.text and 'lang="sv"' in page.text
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, role="supervisor", sub=unit_case["greta"], unit="vuxen")  # another unit's supervisor
        page = await client.get(f"/cases/{case_id}/reassign")
        refused = await client.post(f"/cases/{case_id}/reassign",
                                    data=form_of(page, caseworker=unit_case["bertil"], reason=REASON))
        assert refused.status_code in (403, 404) and 'role="alert"' in refused.text
    assert await caseworker_of(env, case_id) == unit_case["anna"]
