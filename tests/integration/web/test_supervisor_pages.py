"""The supervisor's screens on a real registry: the unit overview on the start page (caseload,
deadlines, decisions waiting for approval, per caseworker) and the unit's open cases; a decision
above its maker's delegation approved or refused from its case, against the version read; and
what the registry refuses, said in Swedish."""
import html
import re

import httpx
import pytest

from tests.integration.web.conftest import csrf_of, sign_in

ETAG = re.compile(r'name="etag" value="([^"]*)"')


@pytest.fixture
async def as_supervisor(web_env, awaiting_approval):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        answer = await sign_in(client, role="supervisor", sub=awaiting_approval["supervisor"])
        assert answer.status_code == 303, answer.text
        yield client


def form_of(page: httpx.Response, **fields: str) -> dict:
    return {"csrf_token": csrf_of(page), "etag": html.unescape(ETAG.search(page.text).group(1)),
            "case_id": re.search(r'name="case_id" value="([^"]+)"', page.text).group(1), **fields}


async def test_the_supervisors_start_page_shows_the_unit(as_supervisor, awaiting_approval, web_env):
    start = await as_supervisor.get("/")
    assert start.status_code == 200
    assert "Enhetens översikt" in start.text and "Väntar på attest" in start.text
    row = re.search(rf'<th scope="row">{awaiting_approval["maker"]}</th>(.*?)</tr>', start.text, re.S)
    assert row, start.text
    assert "<strong>1</strong>" in row.group(1)  # the decision waiting for approval
    assert "Enhetens öppna ärenden" in start.text
    # The unit's open cases are paged, and the other tests' cases of the unit may fill the first
    # page: the list's own next-page links lead to the case.
    page, case_link = start.text, f'href="/cases/{awaiting_approval["case"]["id"]}"'
    for _ in range(20):
        if case_link in page.split('id="enhetens-arenden"', 1)[1]:
            break
        found = re.search(r'<a href="([^"]+)">Nästa sida av enhetens öppna ärenden</a>', page)
        assert found, "the case is on no page of the unit's open cases"
        page = (await as_supervisor.get(html.unescape(found.group(1)))).text
    assert case_link in page.split('id="enhetens-arenden"', 1)[1]
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as caseworker:
        await sign_in(caseworker, sub=awaiting_approval["maker"])
        assert "Enhetens översikt" not in (await caseworker.get("/")).text


async def test_a_decision_is_approved_from_its_case(as_supervisor, awaiting_approval):
    decision = awaiting_approval["decision"]
    case = await as_supervisor.get(f"/cases/{awaiting_approval['case']['id']}")
    assert f'href="/decisions/{decision["id"]}/approval"' in case.text and "Väntar på attest" in case.text
    page = await as_supervisor.get(f"/decisions/{decision['id']}/approval")
    assert page.status_code == 200 and "Attest av beslut om hemtjänst" in page.text and "200 timmar" in page.text
    approved = await as_supervisor.post(f"/decisions/{decision['id']}/approval", data=form_of(page))
    assert approved.status_code == 303
    assert approved.headers["location"] == (f"/cases/{awaiting_approval['case']['id']}?done=decision_approved"
                                            f"#beslut-{decision['id']}")
    case = await as_supervisor.get(approved.headers["location"])
    assert "Beslutet är attesterat och gäller nu." in case.text
    assert f'href="/decisions/{decision["id"]}/approval"' not in case.text
    again = await as_supervisor.post(f"/decisions/{decision['id']}/approval", data=form_of(page))
    assert again.status_code == 412 and "Beslutet har ändrats sedan du öppnade det" in again.text
    assert 'id="approve-submit"' not in again.text  # in force now: nothing to approve


async def test_a_refusal_needs_a_reason(as_supervisor, awaiting_approval):
    decision = awaiting_approval["decision"]
    page = await as_supervisor.get(f"/decisions/{decision['id']}/approval")
    empty = await as_supervisor.post(f"/decisions/{decision['id']}/refusal", data=form_of(page, reason=" "))
    assert empty.status_code == 422 and "Skriv varför beslutet inte attesteras" in empty.text
    assert 'aria-invalid="true"' in empty.text
    refused = await as_supervisor.post(f"/decisions/{decision['id']}/refusal",
                                       data=form_of(empty, reason="Omfattningen ska prövas på nytt."))
    assert refused.status_code == 303
    case = await as_supervisor.get(refused.headers["location"])
    assert "Attesten är nekad" in case.text and "Attest nekad: Omfattningen ska prövas på nytt." in case.text


async def test_who_may_not_approve_is_told_in_swedish(web_env, awaiting_approval):
    _, _, web, _ = web_env
    decision = awaiting_approval["decision"]
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, role="supervisor", sub="okand-arbetsledare")  # not in the staff directory
        page = await client.get(f"/decisions/{decision['id']}/approval")
        refused = await client.post(f"/decisions/{decision['id']}/approval", data=form_of(page))
        assert refused.status_code == 403 and "Din delegation räcker inte" in refused.text
        assert "spårnummer" in refused.text
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, sub=awaiting_approval["maker"])  # a caseworker: no approvals at all
        page = await client.get(f"/decisions/{decision['id']}/approval")
        refused = await client.post(f"/decisions/{decision['id']}/approval", data=form_of(page))
        assert refused.status_code == 403 and "Du har inte behörighet att attestera beslut" in refused.text
        no_csrf = await client.post(f"/decisions/{decision['id']}/approval", data={**form_of(page), "csrf_token": ""})
        assert no_csrf.status_code == 403
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in(client, role="supervisor", sub=awaiting_approval["supervisor"], unit="barn")  # another unit
        page = await client.get(f"/decisions/{decision['id']}/approval")
        assert page.status_code == 200  # a supervisor reads every unit's cases (the access policy)
        refused = await client.post(f"/decisions/{decision['id']}/approval", data=form_of(page))
        assert refused.status_code in (403, 404) and 'role="alert"' in refused.text
        assert "Väntar på attest" in refused.text  # still: nothing was approved
