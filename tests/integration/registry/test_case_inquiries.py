"""The inquiries of a case (GET /cases/{case_id}/inquiries): those that led to its investigations,
oldest first, paged like every list; read as the case is read, and in the access log."""
import uuid
from datetime import timedelta

from tests import clock
from tests.pins import make_pin, register_person
from tests.stack import eventually

UNIT = "vuxen-inquiries"


async def _case_of_three_inquiries(client, env, reader: str) -> tuple[str, str, list[dict]]:
    """A case whose three investigations each came from an application (three, two and one day
    old): the first opened the case, the other two were investigated in it."""
    headers = env.auth("caseworker", sub=reader, unit=UNIT)
    person = await register_person(client, headers)
    made, case_id = [], None
    for days in (3, 2, 1):
        inquiry = await client.post("/inquiries", headers=headers, json={
            "kind": "application", "person_id": person, "unit": UNIT, "summary": f"Ansökan {days}",
            "received_on": (clock.today() - timedelta(days=days)).isoformat()})
        assert inquiry.status_code == 201, inquiry.text
        opened = await client.post(f"/inquiries/{inquiry.json()['id']}/investigation", headers=headers,
                                   json={"case_id": case_id} if case_id else {"kind": "SoL"})
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        done = await client.post(f"/cases/{case_id}/investigations/{opened.json()['investigation']['id']}/completion",
                                 headers=headers)
        assert done.status_code == 200, done.text
        made.append(opened.json()["inquiry"])
    return person, case_id, made


async def test_a_caseworker_of_the_unit_reads_the_inquiries_of_a_case_page_by_page(registry):
    env, client = registry
    reader = f"karin-{uuid.uuid4().hex[:6]}"
    person, case_id, made = await _case_of_three_inquiries(client, env, reader)
    # Another inquiry of the same person, not investigated: not one of the case's.
    other = await client.post("/inquiries", headers=env.auth("caseworker", unit=UNIT), json={
        "kind": "application", "person_id": person, "unit": UNIT, "received_on": clock.today().isoformat()})
    assert other.status_code == 201
    headers = {**env.auth("caseworker", sub=reader, unit=UNIT), "X-Access-Reason": "aktualiseringar i arendet"}

    first = await client.get(f"/cases/{case_id}/inquiries", params={"limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    assert [i["id"] for i in first.json()["items"]] == [made[0]["id"], made[1]["id"]]
    assert first.json()["items"][0]["summary"] == "Ansökan 3"
    assert first.json()["items"][0]["investigation_id"] is not None
    cursor = first.json()["next_cursor"]
    assert cursor
    rest = await client.get(f"/cases/{case_id}/inquiries", params={"limit": 2, "cursor": cursor}, headers=headers)
    assert rest.status_code == 200, rest.text
    assert [i["id"] for i in rest.json()["items"]] == [made[2]["id"]]
    assert rest.json()["next_cursor"] is None

    async def logged():
        audit = await client.get("/audit", params={"person_id": person, "limit": 200},
                                 headers=env.auth("support", sub="granskare"))
        assert audit.status_code == 200, audit.text
        reads = [(e["actor"], e["reason"]) for e in audit.json()["items"]
                 if e["resource"] == f"case/{case_id}/inquiries"]
        return reads if len(reads) == 2 else None
    assert await eventually(logged) == [(reader, "aktualiseringar i arendet")] * 2


async def test_another_units_caseworker_is_told_there_is_no_such_case(registry):
    env, client = registry
    _, case_id, _ = await _case_of_three_inquiries(client, env, f"karin-{uuid.uuid4().hex[:6]}")
    other_unit = await client.get(f"/cases/{case_id}/inquiries", headers=env.auth("caseworker", unit="barn"))
    assert other_unit.status_code == 404 and other_unit.json()["code"] == "case_not_found"
    nowhere = await client.get(f"/cases/{uuid.uuid4()}/inquiries", headers=env.auth("caseworker", unit=UNIT))
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "case_not_found"


async def test_a_role_that_may_not_read_cases_is_refused(registry):
    env, client = registry
    _, case_id, _ = await _case_of_three_inquiries(client, env, f"karin-{uuid.uuid4().hex[:6]}")
    for role, claims in (("provider_user", {"provider_id": str(uuid.uuid4())}), ("citizen", {"pin": make_pin()})):
        refused = await client.get(f"/cases/{case_id}/inquiries", headers=env.auth(role, **claims))
        assert refused.status_code == 403, f"{role}: {refused.text}"
        assert refused.json()["code"] == "forbidden"
