"""The case with what is recorded in it, in one read (GET /cases/{case_id}/record): the same case,
person, inquiries, investigations and decisions as their own routes answer, each list's first page
with the cursor its own route goes on from; read as the case is read, and in the access log."""
import uuid

from tests.integration.registry.test_cases import UNIT, _decided, open_case
from tests.pins import register_person
from tests.stack import eventually


async def _lists(client, case_id, headers) -> dict:
    return {name: (await client.get(f"/cases/{case_id}/{name}", params={"limit": 200}, headers=headers)).json()
            for name in ("inquiries", "investigations", "decisions")}


async def test_the_record_answers_what_the_case_its_person_and_its_lists_answer(registry):
    env, client = registry
    reader = f"karin-{uuid.uuid4().hex[:6]}"
    headers = env.auth("caseworker", sub=reader, unit=UNIT)
    person_id = await register_person(client, headers, protected_identity=True,
                                      address={"street": "Hemlig väg 1", "postal_code": "123 45", "city": "Ort"})
    case = await open_case(client, env, person_id=person_id)
    made = [await _decided(client, headers, case["id"]) for _ in range(3)]

    record = await client.get(f"/cases/{case['id']}/record", headers=headers)
    assert record.status_code == 200, record.text
    body = record.json()
    assert body["case"] == (await client.get(f"/cases/{case['id']}", headers=headers)).json()
    person = (await client.get(f"/persons/{person_id}", headers=headers)).json()
    assert body["person"] == person and person["address"] is None and person["address_withheld"] is True
    for name, listed in (await _lists(client, case["id"], headers)).items():
        assert body[name] == listed, name
    assert [d["id"] for d in body["decisions"]["items"]] == [d["id"] for d in made]

    # A short first page: the list's own route goes on from its cursor.
    short = (await client.get(f"/cases/{case['id']}/record", params={"limit": 2}, headers=headers)).json()
    assert [d["id"] for d in short["decisions"]["items"]] == [d["id"] for d in made[:2]]
    rest = await client.get(f"/cases/{case['id']}/decisions", headers=headers,
                            params={"cursor": short["decisions"]["next_cursor"]})
    assert [d["id"] for d in rest.json()["items"]] == [made[2]["id"]]
    assert short["investigations"]["next_cursor"] and short["inquiries"]["next_cursor"] is None

    async def logged():
        audit = await client.get("/audit", params={"person_id": person_id, "limit": 200},
                                 headers=env.auth("support", sub="granskare"))
        assert audit.status_code == 200, audit.text
        reads = sorted(e["resource"] for e in audit.json()["items"] if e["actor"] == reader
                       and e["resource"] in (f"case/{case['id']}/record", f"person/{person_id}"))
        # two reads of the record, each with its person; one of the person alone
        return reads if len(reads) == 5 else None
    assert await eventually(logged) == [f"case/{case['id']}/record"] * 2 + [f"person/{person_id}"] * 3


async def test_an_object_specialist_reads_the_record_without_the_person(registry):
    env, client = registry
    case = await open_case(client, env)
    record = await client.get(f"/cases/{case['id']}/record", headers=env.auth("object_specialist"))
    assert record.status_code == 200, record.text
    assert record.json()["person"] is None and record.json()["case"]["id"] == case["id"]


async def test_the_record_is_refused_as_the_case_is(registry):
    env, client = registry
    case = await open_case(client, env)
    other_unit = await client.get(f"/cases/{case['id']}/record", headers=env.auth("caseworker", unit="barn"))
    assert other_unit.status_code == 404 and other_unit.json()["code"] == "case_not_found"
    nowhere = await client.get(f"/cases/{uuid.uuid4()}/record", headers=env.auth("caseworker", unit=UNIT))
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "case_not_found"
    provider = await client.get(f"/cases/{case['id']}/record",
                                headers=env.auth("provider_user", provider_id=str(uuid.uuid4())))
    assert provider.status_code == 403 and provider.json()["code"] == "forbidden"
    too_many = await client.get(f"/cases/{case['id']}/record", params={"limit": 201},
                                headers=env.auth("caseworker", unit=UNIT))
    assert too_many.status_code == 422 and too_many.json()["code"] == "validation_error"
