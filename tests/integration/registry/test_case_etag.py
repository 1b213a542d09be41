"""The ETag of a case or an inquiry: read it, and a change sent with it (a hand-over, a close, a
removal, a restoration, an assessment) applies only to what was read; one made on a case or an
inquiry that changed meanwhile is 412 and changes nothing."""
import uuid

from tests.integration.registry.test_cases import open_case
from tests.integration.registry.test_inquiries import UNIT, inquiry


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


async def test_an_inquiry_assessed_by_someone_else_meanwhile_is_412_for_the_one_who_read_it_before(registry):
    env, client = registry
    report = await inquiry(client, env)
    anna = env.auth("caseworker", sub="anna", unit=UNIT)
    read = await client.get(f"/inquiries/{report['id']}", headers=anna)
    tag = read.headers["ETag"]

    bertil = env.auth("caseworker", sub="bertil", unit=UNIT)
    protected = await client.post(f"/inquiries/{report['id']}/protection-assessment", headers={**bertil, "If-Match": tag},
                                  json={"protection_needed": False, "reasons": "Inga tecken på akut fara"})
    assert protected.status_code == 200, protected.text
    assert protected.headers["ETag"] != tag

    stale = await client.post(f"/inquiries/{report['id']}/reassignment", headers={**anna, "If-Match": tag},
                              json={"caseworker": "cecilia", "reason": "Semester"})
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch", stale.text
    current = await client.get(f"/inquiries/{report['id']}", headers=anna)
    assert current.json()["caseworker"] == report["caseworker"]
    assert current.headers["ETag"] == protected.headers["ETag"]
