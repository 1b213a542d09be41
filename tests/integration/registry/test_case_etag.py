"""The ETag of a case, an inquiry or an investigation: read it, and a change sent with it (a
hand-over, a close, a removal, a restoration, an assessment, an extension, a completion) applies
only to what was read; one made on what changed meanwhile is 412 and changes nothing."""
import uuid
from datetime import date, timedelta

from tests.integration.registry.test_cases import open_case
from tests.integration.registry.test_inquiries import UNIT, inquiry
from tests.pins import child_pin, register_person


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


async def test_an_investigation_is_extended_or_completed_only_as_read(registry):
    """An investigation has its own URL (the Location of its start) with an ETag; an extension or
    a completion sent with an ETag it no longer has is 412 and changes nothing."""
    env, client = registry
    anna = env.auth("caseworker", sub="anna", unit=UNIT)
    case = await open_case(client, env, unit=UNIT, person_id=await register_person(client, anna, pin=child_pin()))
    started = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=anna)
    assert started.status_code == 201, started.text
    investigation = started.json()
    assert started.headers["Location"].endswith(f"/investigations/{investigation['id']}")
    read = await client.get(f"/investigations/{investigation['id']}", headers=anna)
    assert read.status_code == 200 and read.json() == investigation, read.text
    first = read.headers["ETag"]
    assert first == started.headers["ETag"]
    other_unit = await client.get(f"/investigations/{investigation['id']}", headers=env.auth("caseworker", unit="x"))
    assert other_unit.status_code == 404 and other_unit.json()["code"] == "investigation_not_found"

    path = f"/cases/{case['id']}/investigations/{investigation['id']}"
    later = (date.fromisoformat(investigation["due_on"]) + timedelta(days=30)).isoformat()
    extended = await client.post(f"{path}/extensions", headers={**anna, "If-Match": first},
                                 json={"due_on": later, "reason": "Väntar på BUP:s utlåtande"})
    assert extended.status_code == 201 and extended.json()["due_on"] == later, extended.text
    second = extended.headers["ETag"]
    assert second != first
    assert (await client.get(f"/investigations/{investigation['id']}", headers=anna)).headers["ETag"] == second

    # A supervisor who read it before the extension completes it: refused, nothing completed.
    chef = env.auth("supervisor", sub="greta", unit=UNIT)
    stale = await client.post(f"{path}/completion", headers={**chef, "If-Match": first})
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch", stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/investigations/{investigation['id']}", headers=chef)).json()["completed_on"] is None
    stale_extension = await client.post(f"{path}/extensions", headers={**chef, "If-Match": first},
                                        json={"due_on": later, "reason": "Väntar på BUP:s utlåtande"})
    assert stale_extension.status_code == 412 and stale_extension.json()["code"] == "etag_mismatch"

    completed = await client.post(f"{path}/completion", headers={**chef, "If-Match": second})
    assert completed.status_code == 200 and completed.json()["completed_on"] is not None, completed.text
    assert completed.headers["ETag"] not in (first, second)

