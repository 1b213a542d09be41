"""A case's ETag: read it, and a hand-over, a close, a removal or a restoration applies only to the
case as read; one made on a case that changed meanwhile is 412 and changes nothing."""
import uuid

from tests.integration.registry.test_cases import open_case


async def test_a_stale_if_match_changes_nothing_and_the_current_one_works(registry):
    env, client = registry
    unit = f"etag-{uuid.uuid4().hex[:6]}"
    case = await open_case(client, env, unit=unit)
    anna = env.auth("caseworker", sub="anna", unit=unit)
    read = await client.get(f"/cases/{case['id']}", headers=anna)
    first = read.headers["ETag"]
    assert first == '"1"'

    moved = await client.post(f"/cases/{case['id']}/reassignment", headers={**anna, "If-Match": first},
                              json={"caseworker": "bertil", "reason": "Anna går på föräldraledighet"})
    assert moved.status_code == 200, moved.text
    second = moved.headers["ETag"]
    assert second != first
    assert (await client.get(f"/cases/{case['id']}", headers=anna)).headers["ETag"] == second

    # A supervisor who read the case before the hand-over closes it: refused, nothing closed.
    chef = env.auth("supervisor", sub="greta", unit=unit)
    stale = await client.post(f"/cases/{case['id']}/close", headers={**chef, "If-Match": first},
                              json={"reason": "Insatsen avslutad"})
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["code"] == "etag_mismatch"
    assert (await client.get(f"/cases/{case['id']}", headers=chef)).json()["status"] == "open"

    closed = await client.post(f"/cases/{case['id']}/close", headers={**chef, "If-Match": second},
                               json={"reason": "Insatsen avslutad"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.headers["ETag"] not in (first, second)

    support = env.auth("support", sub="stina")
    removal = await client.post(f"/cases/{case['id']}/removal", headers={**support, "If-Match": second},
                                json={"reason": "Registrerat på fel person"})
    assert removal.status_code == 412 and removal.json()["code"] == "etag_mismatch"
    removed = await client.post(f"/cases/{case['id']}/removal", headers={**support, "If-Match": closed.headers["ETag"]},
                                json={"reason": "Registrerat på fel person"})
    assert removed.status_code == 200, removed.text
    restored = await client.post(f"/cases/{case['id']}/restoration", headers={**support, "If-Match": first},
                                 json={"reason": "Rätt person ändå"})
    assert restored.status_code == 412
    restored = await client.post(f"/cases/{case['id']}/restoration", headers={**support, "If-Match": "*"},
                                 json={"reason": "Rätt person ändå"})
    assert restored.status_code == 200, restored.text
