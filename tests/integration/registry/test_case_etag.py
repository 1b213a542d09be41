"""The ETag of a case, an inquiry, an investigation or a decision's execution: read it, and a
change sent with it (a hand-over, a close, a removal, a restoration, an assessment, an extension,
a completion, an execution) applies only to what was read; one made on what changed meanwhile is
412 and changes nothing."""
import uuid
from datetime import date, timedelta

from tests import clock
from tests.integration.registry.test_cases import decision, open_case
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


async def test_an_execution_is_recorded_only_on_what_was_read(registry):
    """How a decision is carried out has an ETag over what is recorded (actions, delay reasons):
    an execution recorded with an ETag from before a delay reason is 412 and records nothing."""
    env, client = registry
    anna = env.auth("caseworker", sub="anna", unit=UNIT)
    case = await open_case(client, env, unit=UNIT)
    assert (await client.post(f"/cases/{case['id']}/investigations", json={}, headers=anna)).status_code == 201
    made = await client.post(f"/cases/{case['id']}/decisions", headers=anna,
                             json=decision(intervention="structured_outpatient_care", scope_amount="10"))
    assert made.status_code == 201, made.text
    url = f"/cases/{case['id']}/decisions/{made.json()['id']}/execution"
    read = await client.get(url, headers=anna)
    assert read.status_code == 200, read.text
    first = read.headers["ETag"]

    waiting = await client.post(f"/cases/{case['id']}/decisions/{made.json()['id']}/delay-reasons",
                                headers={**anna, "If-Match": first}, json={"code": "staff_shortage"})
    assert waiting.status_code == 200, waiting.text
    second = waiting.headers["ETag"]
    assert second != first
    assert (await client.get(url, headers=anna)).headers["ETag"] == second

    today = clock.today().isoformat()
    bertil = env.auth("caseworker", sub="bertil", unit=UNIT)
    stale = await client.post(url, headers={**bertil, "If-Match": first},
                              json={"method": "in_house", "executed_on": today})
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch", stale.text
    after = await client.get(url, headers=anna)
    assert after.json()["executed_on"] is None and after.json()["actions"] == []
    assert after.headers["ETag"] == second

    done = await client.post(url, headers={**bertil, "If-Match": second},
                             json={"method": "in_house", "executed_on": today})
    assert done.status_code == 200 and done.json()["executed_on"] == today, done.text
    assert done.headers["ETag"] not in (first, second)
    paused = await client.post(f"/cases/{case['id']}/decisions/{made.json()['id']}/interruption",
                               headers={**anna, "If-Match": second},
                               json={"interrupted_on": today, "reason_code": "hospital_stay"})
    assert paused.status_code == 412 and paused.json()["code"] == "etag_mismatch", paused.text
    assert (await client.get(url, headers=anna)).json()["interrupted_on"] is None
