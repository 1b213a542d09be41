"""Nothing is deleted: DELETE is 405; support removes a case with a reason and restores it, both audited."""
from tests.pins import make_pin, register_person
from tests.integration.registry.conftest import event_type_of, events_for
from tests.integration.registry.test_cases import UNIT, open_case


async def test_delete_is_405_everywhere(registry):
    env, client = registry
    case = await open_case(client, env)
    headers = env.auth("support")
    for path in (f"/cases/{case['id']}", f"/persons/{case['person_id']}", f"/cases/{case['id']}/investigations",
                 f"/cases/{case['id']}/removal"):
        response = await client.delete(path, headers=headers)
        assert response.status_code == 405, path
        assert response.headers["content-type"] == "application/problem+json"


async def test_only_support_removes(registry):
    env, client = registry
    case = await open_case(client, env)
    for role in ("caseworker", "supervisor", "family_law"):
        response = await client.post(f"/cases/{case['id']}/removal", json={"reason": "fel person"},
                                     headers=env.auth(role, unit=UNIT))
        assert response.status_code == 403, role
    no_reason = await client.post(f"/cases/{case['id']}/removal", json={}, headers=env.auth("support"))
    assert no_reason.status_code == 422


async def test_remove_and_restore_with_reasons_events_and_history(registry):
    env, client = registry
    pin = make_pin()
    person_id = await register_person(client, env.auth("caseworker", unit=UNIT), pin=pin)
    case = await open_case(client, env, person_id=person_id)
    support = env.auth("support", sub="sara")
    caseworker = env.auth("caseworker", unit=UNIT)

    removed = await client.post(f"/cases/{case['id']}/removal", json={"reason": "registrerat på fel person"},
                                headers=support)
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed_by"] == "sara" and removed.json()["removal_reason"] == "registrerat på fel person"
    twice = await client.post(f"/cases/{case['id']}/removal", json={"reason": "igen"}, headers=support)
    assert twice.status_code == 409

    gone = await client.get(f"/cases/{case['id']}", headers=caseworker)
    assert gone.status_code == 410 and gone.json()["code"] == "case_removed"
    assert "registrerat på fel person" in gone.json()["detail"]
    work = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=caseworker)
    assert work.status_code == 410
    assert (await client.get(f"/cases/{case['id']}", headers=support)).status_code == 200
    search = (await client.post("/occurrences/search", json={"pin": pin}, headers=env.auth("family_law"))).json()
    assert search["items"] == [] and search["registered"] is True

    restored = await client.post(f"/cases/{case['id']}/restoration", json={"reason": "var rätt person"},
                                 headers=support)
    assert restored.status_code == 200 and restored.json()["removed_at"] is None
    assert (await client.get(f"/cases/{case['id']}", headers=caseworker)).status_code == 200
    search = (await client.post("/occurrences/search", json={"pin": pin}, headers=env.auth("family_law"))).json()
    assert [o["id"] for o in search["items"]] == [case["id"]]
    again = await client.post(f"/cases/{case['id']}/restoration", json={"reason": "x"}, headers=support)
    assert again.status_code == 409 and again.json()["code"] == "case_not_removed"

    history = (await client.get(f"/cases/{case['id']}/removals", headers=support)).json()
    assert [(h["action"], h["reason"], h["by_whom"]) for h in history["items"]] == [
        ("removed", "registrerat på fel person", "sara"), ("restored", "var rätt person", "sara")]
    assert history["next_cursor"] is None
    first = (await client.get(f"/cases/{case['id']}/removals", params={"limit": 1}, headers=support)).json()
    rest = (await client.get(f"/cases/{case['id']}/removals", params={"limit": 1, "cursor": first["next_cursor"]},
                             headers=support)).json()
    assert [h["action"] for h in first["items"] + rest["items"]] == ["removed", "restored"]
    assert first["next_cursor"] and rest["next_cursor"] is None

    records = await events_for(env, case["id"], 3)
    assert [event_type_of(r) for r in records] == ["case.opened", "case.removed", "case.restored"]
