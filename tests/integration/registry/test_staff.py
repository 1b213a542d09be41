"""The staff directory, names beside subjects, covers and decisions above their maker's delegation,
on the registry process with the real database and broker."""
import io
import json
import uuid
from datetime import timedelta

from pypdf import PdfReader

from tests import clock
from tests.integration.registry.conftest import event_type_of, events_for
from tests.integration.registry.test_cases import UNIT, decision, open_case
from tests.pins import make_pin, register_person
from tests.stack import eventually


def subject(name: str) -> str:
    """A subject of this test only: the registry process is shared by the module's tests."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def member(**change) -> dict:
    return {"name": "Anna Berg", "title": "Socialsekreterare", "unit": UNIT, "email": "anna.berg@kommun.example.se",
            "delegation_level": "caseworker", "active_from": "2024-01-01", **change}


async def put(client, env, who: str, body: dict, role: str = "support"):
    return await client.put(f"/staff/{who}", json=body, headers=env.auth(role, "admin"))


async def test_the_directory_is_kept_by_support_and_publishes_each_change(registry):
    env, client = registry
    boss, anna = subject("greta"), subject("anna")
    assert (await put(client, env, boss, member(name="Greta Lind", title="Enhetschef",
                                               delegation_level="supervisor"))).status_code == 201
    created = await put(client, env, anna, member(supervisor=boss, email="Anna.Berg@Kommun.example.se"))
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "Anna.Berg@kommun.example.se" and created.json()["changed_by"] == "admin"

    same = await put(client, env, anna, member(supervisor=boss, email="Anna.Berg@Kommun.example.se"))
    assert same.status_code == 200 and same.json()["changed_at"] == created.json()["changed_at"]
    changed = await put(client, env, anna, member(supervisor=boss, title="Samordnare"))
    assert changed.status_code == 200 and changed.json()["title"] == "Samordnare"

    records = await events_for(env, anna, 2)
    assert [event_type_of(r) for r in records] == ["staff.changed", "staff.changed"], "none for the unchanged put"
    last = json.loads(records[-1].value)
    assert (last["subject"], last["title"], last["supervisor"], last["delegation_level"]) == \
        (anna, "Samordnare", boss, "caseworker")

    reader = env.auth("caseworker", unit=UNIT)
    one = await client.get(f"/staff/{anna}", headers=reader)
    assert one.status_code == 200 and one.json()["name"] == "Anna Berg"
    missing = await client.get(f"/staff/{subject('nobody')}", headers=reader)
    assert missing.status_code == 404 and missing.json()["code"] == "staff_not_found"

    unit = f"enhet-{uuid.uuid4().hex[:6]}"
    for n in range(3):
        assert (await put(client, env, f"{unit}-{n}", member(unit=unit))).status_code == 201
    seen, cursor = [], None
    while True:
        page = (await client.get("/staff", params={"unit": unit, "limit": 2, **({"cursor": cursor} if cursor else {})},
                                 headers=reader)).json()
        seen += [m["subject"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"{unit}-{n}" for n in range(3)]

    for role in ("caseworker", "supervisor"):
        refused = await put(client, env, anna, member(), role=role)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert (await client.get("/staff", headers=env.auth("provider_user", provider_id=str(uuid.uuid4())))) \
        .status_code == 403


async def test_an_entry_that_cannot_be_is_422(registry):
    env, client = registry
    anna = subject("anna")
    for body, code in ((member(supervisor=anna), "own_supervisor"),
                       (member(supervisor=subject("nobody")), "unknown_supervisor"),
                       (member(active_to="2023-12-31"), "active_reversed"),
                       (member(email="anna;root@kommun.example.se"), "invalid_email"),
                       (member(delegation_level="chief"), "validation_error")):
        refused = await put(client, env, anna, body)
        assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
    assert (await client.get(f"/staff/{anna}", headers=env.auth("support"))).status_code == 404


async def test_names_and_titles_stand_beside_the_subject_on_decisions_letters_and_the_log(registry):
    env, client = registry
    anna, stranger = subject("anna"), subject("okand")
    assert (await put(client, env, anna, member(name="Anna Berg", title="Socialsekreterare"))).status_code == 201
    case = await open_case(client, env)
    known = env.auth("caseworker", anna, unit=UNIT)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=known)
    made = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=known)
    assert made.status_code == 201, made.text
    assert (made.json()["decided_by"], made.json()["decided_by_name"], made.json()["decided_by_title"],
            made.json()["decided_by_known"]) == (anna, "Anna Berg", "Socialsekreterare", True)
    assert made.json()["status"] == "in_force" and made.json()["required_level"] == "caseworker"

    # Someone the directory does not know still works where the token allows, shown without a name.
    unknown = env.auth("caseworker", stranger, unit=UNIT)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=unknown)
    other = await client.post(f"/cases/{case['id']}/decisions", json=decision(), headers=unknown)
    assert other.status_code == 201, other.text
    assert (other.json()["decided_by_name"], other.json()["decided_by_title"], other.json()["decided_by_known"]) == \
        (None, None, False)

    listed = (await client.get(f"/cases/{case['id']}/decisions", headers=known)).json()["items"]
    assert [(d["decided_by"], d["decided_by_name"]) for d in listed] == [(anna, "Anna Berg"), (stranger, None)]

    letter = await client.get(f"/cases/{case['id']}/decisions/{made.json()['id']}/letter", headers=unknown)
    assert letter.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages).split())
    assert "Anna Berg" in text and "Socialsekreterare" in text and anna not in text

    async def logged():
        items = (await client.get("/audit", params={"person_id": case["person_id"], "limit": 200},
                                  headers=env.auth("support"))).json()["items"]
        mine = [e for e in items if e["actor"] == anna]
        theirs = [e for e in items if e["actor"] == stranger]
        return (mine, theirs) if mine and theirs else None
    found = await eventually(logged, timeout=30)
    assert found, "the reads never reached the access log"
    mine, theirs = found
    assert {(e["actor_name"], e["actor_title"], e["actor_known"]) for e in mine} == \
        {("Anna Berg", "Socialsekreterare", True)}
    assert {(e["actor_name"], e["actor_title"], e["actor_known"]) for e in theirs} == {(None, None, False)}
    by_actor = (await client.get("/audit", params={"actor": anna}, headers=env.auth("support"))).json()["items"]
    assert by_actor and all(e["actor_name"] == "Anna Berg" for e in by_actor)


async def test_a_cover_is_granted_and_ended_by_a_supervisor_of_the_unit(registry):
    env, client = registry
    anna, bertil, barn = subject("anna"), subject("bertil"), subject("karin")
    unit = f"enhet-{uuid.uuid4().hex[:6]}"
    for who, where in ((anna, unit), (bertil, unit), (barn, "barn")):
        assert (await put(client, env, who, member(unit=where))).status_code == 201
    today = clock.today()
    body = {"absent": anna, "cover": bertil, "from_date": today.isoformat(),
            "to_date": (today + timedelta(days=14)).isoformat()}
    supervisor = env.auth("supervisor", "chef", unit=unit)

    other_unit = await client.post("/covers", json=body, headers=env.auth("supervisor", "annan-chef", unit="barn"))
    assert other_unit.status_code == 403 and other_unit.json()["code"] == "other_unit"
    caseworker = await client.post("/covers", json=body, headers=env.auth("caseworker", bertil, unit=unit))
    assert caseworker.status_code == 403 and caseworker.json()["code"] == "forbidden"
    for change, code in (({"cover": barn}, "cover_other_unit"), ({"cover": subject("ingen")}, "unknown_staff"),
                         ({"cover": anna}, "cover_is_absent"),
                         ({"from_date": (today + timedelta(days=20)).isoformat()}, "cover_period_reversed"),
                         ({"from_date": (today - timedelta(days=9)).isoformat(),
                           "to_date": (today - timedelta(days=1)).isoformat()}, "cover_period_over")):
        refused = await client.post("/covers", json={**body, **change}, headers=supervisor)
        assert refused.status_code == 422 and refused.json()["code"] == code, refused.text

    granted = await client.post("/covers", json=body, headers=supervisor)
    assert granted.status_code == 201, granted.text
    cover = granted.json()
    assert (cover["unit"], cover["granted_by"], cover["ended_on"]) == (unit, "chef", None)

    active = (await client.get("/covers", params={"unit": unit, "active_on": today.isoformat()},
                               headers=env.auth("caseworker", bertil, unit=unit))).json()
    assert [c["id"] for c in active["items"]] == [cover["id"]]
    later = (await client.get("/covers", params={"active_on": (today + timedelta(days=15)).isoformat()},
                              headers=supervisor)).json()
    assert later["items"] == []
    assert (await client.get("/covers", params={"unit": unit}, headers=env.auth("supervisor", unit="barn"))) \
        .status_code == 403

    hidden = await client.post(f"/covers/{cover['id']}/end", headers=env.auth("supervisor", "annan-chef", unit="barn"))
    assert hidden.status_code == 404 and hidden.json()["code"] == "cover_not_found"
    ended = await client.post(f"/covers/{cover['id']}/end", headers=supervisor)
    assert ended.status_code == 200 and ended.json()["ended_on"] == today.isoformat(), ended.text
    again = await client.post(f"/covers/{cover['id']}/end", headers=supervisor)
    assert again.status_code == 409 and again.json()["code"] == "cover_ended"
    assert (await client.get("/covers", params={"active_on": today.isoformat()}, headers=supervisor)).json()["items"] \
        == [], "ended today, it no longer holds today"

    records = [r for r in await events_for(env, anna, 3) if event_type_of(r).startswith("cover.")]
    assert [event_type_of(r) for r in records] == ["cover.granted", "cover.ended"], "keyed by the absent member"
    granted_event, ended_event = (json.loads(r.value) for r in records)
    assert (granted_event["cover_id"], granted_event["absent"], granted_event["cover"], granted_event["unit"],
            granted_event["granted_by"]) == (cover["id"], anna, bertil, unit, "chef")
    assert (ended_event["cover_id"], ended_event["ended_on"], ended_event["ended_by"]) == \
        (cover["id"], today.isoformat(), "chef")


async def test_a_decision_above_delegation_waits_for_a_supervisor_of_its_unit(registry):
    env, client = registry
    anna, greta, karl, nils = subject("anna"), subject("greta"), subject("karl"), subject("nils")
    for who, body in ((anna, member()), (greta, member(name="Greta Lind", delegation_level="supervisor")),
                      (karl, member(name="Karl Holm", unit="barn", delegation_level="supervisor")),
                      (nils, member(name="Nils Ek", unit="nämnden", delegation_level="committee"))):
        assert (await put(client, env, who, body)).status_code == 201
    pin = make_pin()
    case = await open_case(client, env, person_id=await register_person(client, env.auth("caseworker", unit=UNIT),
                                                                        pin=pin))
    citizen = env.auth("citizen", "medborgare", pin=pin)
    maker = env.auth("caseworker", anna, unit=UNIT)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=maker)
    url = f"/cases/{case['id']}/decisions"
    # 200 hours of home help a month is above a caseworker's delegation (delegation.yaml: above 120).
    big = await client.post(url, json=decision(scope_amount="200"), headers=maker)
    assert big.status_code == 201, big.text
    assert (big.json()["status"], big.json()["required_level"]) == ("awaiting_approval", "supervisor")
    waiting = f"{url}/{big.json()['id']}"

    executed = await client.post(f"{waiting}/execution", headers=maker,
                                 json={"method": "in_house", "executed_on": clock.today().isoformat()})
    assert executed.status_code == 409 and executed.json()["code"] == "decision_not_in_force", executed.text
    delay = await client.post(f"{waiting}/delay-reasons", headers=maker, json={"code": "staff_shortage"})
    assert delay.status_code == 409 and delay.json()["code"] == "decision_not_in_force"
    # The person sees no decision yet: it is not the committee's until approved.
    assert (await client.get("/me/decisions", headers=citizen)).json()["items"] == []
    letter = await client.get(f"/me/decisions/{big.json()['id']}/letter", headers=citizen)
    assert letter.status_code == 404 and letter.json()["code"] == "decision_not_found"
    no_letter = await client.get(f"{waiting}/letter", headers=maker)  # nothing to send the person yet
    assert no_letter.status_code == 409 and no_letter.json()["code"] == "decision_not_in_force", no_letter.text

    # Not a caseworker; another unit's supervisor does not see the case; a supervisor of the unit by token
    # whose directory unit is another, or who is not in the directory at all, may not approve it.
    assert (await client.post(f"{waiting}/approval", headers=maker)).json()["code"] == "forbidden"
    other = await client.post(f"{waiting}/approval", headers=env.auth("supervisor", karl, unit="barn"))
    assert other.status_code == 404 and other.json()["code"] == "case_not_found", other.text
    elsewhere = await client.post(f"{waiting}/approval", headers=env.auth("supervisor", karl, unit=UNIT))
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "delegation_other_unit", elsewhere.text
    stranger = await client.post(f"{waiting}/approval", headers=env.auth("supervisor", subject("x"), unit=UNIT))
    assert stranger.status_code == 403 and stranger.json()["code"] == "delegation_insufficient", stranger.text

    approved = await client.post(f"{waiting}/approval", headers=env.auth("supervisor", greta, unit=UNIT))
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("in_force", greta)
    twice = await client.post(f"{waiting}/approval", headers=env.auth("supervisor", greta, unit=UNIT))
    assert twice.status_code == 409 and twice.json()["code"] == "decision_not_awaiting_approval"
    done = await client.post(f"{waiting}/execution", headers=maker,
                             json={"method": "in_house", "executed_on": clock.today().isoformat()})
    assert done.status_code == 200, done.text
    mine = (await client.get("/me/decisions", headers=citizen)).json()["items"]
    assert [d["id"] for d in mine] == [big.json()["id"]]
    assert (await client.get(f"/me/decisions/{big.json()['id']}/letter", headers=citizen)).status_code == 200
    assert (await client.get(f"{waiting}/letter", headers=maker)).status_code == 200

    # Above a supervisor's own delegation: the committee's member approves or, here, refuses.
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=maker)
    huge = await client.post(url, json=decision(intervention="personal_assistance", scope_amount="300"),
                             headers=env.auth("caseworker", greta, unit=UNIT))
    assert (huge.json()["status"], huge.json()["required_level"]) == ("awaiting_approval", "committee"), huge.text
    refusing = f"{url}/{huge.json()['id']}/refusal"
    short = await client.post(refusing, json={"reason": "Ej styrkt behov"}, headers=env.auth("supervisor", greta,
                                                                                             unit=UNIT))
    assert short.status_code == 403 and short.json()["code"] == "own_decision"
    assert (await client.post(refusing, json={}, headers=env.auth("supervisor", nils, unit=UNIT))).status_code == 422
    refused = await client.post(refusing, json={"reason": "Behovet är inte utrett i sin helhet"},
                                headers=env.auth("supervisor", nils, unit=UNIT))
    assert refused.status_code == 200, refused.text
    assert (refused.json()["status"], refused.json()["refused_by"], refused.json()["refusal_reason"]) == \
        ("refused", nils, "Behovet är inte utrett i sin helhet")
    after = await client.post(f"{url}/{huge.json()['id']}/execution", headers=maker,
                              json={"method": "in_house", "executed_on": clock.today().isoformat()})
    assert after.status_code == 409 and after.json()["code"] == "decision_not_in_force"
    assert [d["id"] for d in (await client.get("/me/decisions", headers=citizen)).json()["items"]] == \
        [big.json()["id"]], "a refused decision never reaches the person's own list"

    everything = await events_for(env, case["id"], 10)
    opened = next(json.loads(r.value) for r in everything if event_type_of(r) == "case.opened")
    records = [r for r in everything if event_type_of(r).startswith("decision.")]
    assert [event_type_of(r) for r in records] == ["decision.made", "decision.approved", "decision.executed",
                                                   "decision.made", "decision.refused"]
    made, approval, _, made_huge, refusal = (json.loads(r.value) for r in records)
    assert made["status"] == "awaiting_approval" and made_huge["status"] == "awaiting_approval"
    assert made["person_ref"] == opened["person_ref"] == made_huge["person_ref"] and opened["person_ref"]
    assert (approval["decision_id"], approval["approved_by"]) == (big.json()["id"], greta)
    assert (refusal["decision_id"], refusal["refused_by"]) == (huge.json()["id"], nils)
    assert "reason" not in json.dumps(refusal), "the refusal's reason stays in the registry"


async def test_an_approval_applies_only_to_the_decision_as_read(registry):
    """A supervisor who read a waiting decision before another settled it gets 412, not a second
    settlement; the decision is read at its own URL, which the answer of its making names."""
    env, client = registry
    anna, greta = subject("anna"), subject("greta")
    for who, body in ((anna, member()), (greta, member(name="Greta Lind", delegation_level="supervisor"))):
        assert (await put(client, env, who, body)).status_code == 201
    case = await open_case(client, env)
    maker = env.auth("caseworker", anna, unit=UNIT)
    await client.post(f"/cases/{case['id']}/investigations", json={}, headers=maker)
    made = await client.post(f"/cases/{case['id']}/decisions", json=decision(scope_amount="200"), headers=maker)
    assert made.status_code == 201, made.text
    assert made.headers["Location"].endswith(f"/decisions/{made.json()['id']}")
    read = await client.get(f"/decisions/{made.json()['id']}", headers=env.auth("supervisor", greta, unit=UNIT))
    assert read.status_code == 200 and read.json()["status"] == "awaiting_approval", read.text
    assert read.headers["ETag"] == made.headers["ETag"]
    waiting = f"/cases/{case['id']}/decisions/{made.json()['id']}"

    refused = await client.post(f"{waiting}/refusal", json={"reason": "Omfattningen är inte utredd"},
                                headers={**env.auth("supervisor", greta, unit=UNIT), "If-Match": "\"0\""})
    assert refused.status_code == 412 and refused.json()["code"] == "etag_mismatch", refused.text
    approved = await client.post(f"{waiting}/approval",
                                 headers={**env.auth("supervisor", greta, unit=UNIT), "If-Match": read.headers["ETag"]})
    assert approved.status_code == 200, approved.text
    assert approved.headers["ETag"] != read.headers["ETag"]
    late = await client.post(f"{waiting}/refusal", json={"reason": "Omfattningen är inte utredd"},
                             headers={**env.auth("supervisor", greta, unit=UNIT), "If-Match": read.headers["ETag"]})
    assert late.status_code == 412 and late.json()["code"] == "etag_mismatch"
    assert (await client.get(f"/decisions/{made.json()['id']}", headers=maker)).json()["status"] == "in_force"
    other_unit = await client.get(f"/decisions/{made.json()['id']}", headers=env.auth("caseworker", unit="barn"))
    assert other_unit.status_code == 404 and other_unit.json()["code"] == "decision_not_found"


async def test_two_administrators_cannot_overwrite_each_others_change_unseen(registry):
    env, client = registry
    who = subject("olle")
    added = await put(client, env, who, member(name="Olle Berg"))
    assert added.status_code == 201
    read = await client.get(f"/staff/{who}", headers=env.auth("support"))
    tag = read.headers["ETag"]
    assert added.headers["ETag"] == tag

    first = await client.put(f"/staff/{who}", json=member(name="Olle Berg", title="Biståndshandläggare"),
                             headers={**env.auth("support", "stina"), "If-Match": tag})
    assert first.status_code == 200, first.text
    second = await client.put(f"/staff/{who}", json=member(name="Olle Berg", delegation_level="supervisor"),
                              headers={**env.auth("service", "hr-sync"), "If-Match": tag})
    assert second.status_code == 412 and second.json()["code"] == "etag_mismatch", second.text
    now = (await client.get(f"/staff/{who}", headers=env.auth("support"))).json()
    assert (now["title"], now["delegation_level"]) == ("Biståndshandläggare", "caseworker")

    nobody = await client.put(f"/staff/{subject('ingen')}", json=member(name="Ingen Alls"),
                              headers={**env.auth("support"), "If-Match": "*"})
    assert nobody.status_code == 412 and nobody.json()["code"] == "etag_mismatch"


async def test_a_cover_is_ended_only_as_read(registry):
    """A cover has its own URL (the Location of its granting) with an ETag; an end sent with an
    ETag the cover no longer has is 412 and ends nothing."""
    env, client = registry
    anna, bertil = subject("anna"), subject("bertil")
    unit = f"enhet-{uuid.uuid4().hex[:6]}"
    for who in (anna, bertil):
        assert (await put(client, env, who, member(unit=unit))).status_code == 201
    today = clock.today()
    supervisor = env.auth("supervisor", "chef", unit=unit)
    granted = await client.post("/covers", headers=supervisor, json={
        "absent": anna, "cover": bertil, "from_date": today.isoformat(),
        "to_date": (today + timedelta(days=14)).isoformat()})
    assert granted.status_code == 201, granted.text
    cover = granted.json()
    assert granted.headers["Location"].endswith(f"/covers/{cover['id']}")
    read = await client.get(f"/covers/{cover['id']}", headers=env.auth("caseworker", bertil, unit=unit))
    assert read.status_code == 200 and read.json() == cover, read.text
    tag = read.headers["ETag"]
    assert tag == granted.headers["ETag"]
    hidden = await client.get(f"/covers/{cover['id']}", headers=env.auth("supervisor", "annan-chef", unit="barn"))
    assert hidden.status_code == 404 and hidden.json()["code"] == "cover_not_found"

    stale = await client.post(f"/covers/{cover['id']}/end", headers={**supervisor, "If-Match": '"0"'})
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch", stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/covers/{cover['id']}", headers=supervisor)).json()["ended_on"] is None

    ended = await client.post(f"/covers/{cover['id']}/end", headers={**supervisor, "If-Match": tag})
    assert ended.status_code == 200 and ended.json()["ended_on"] == today.isoformat(), ended.text
    assert ended.headers["ETag"] != tag
    assert (await client.get(f"/covers/{cover['id']}", headers=supervisor)).headers["ETag"] == ended.headers["ETag"]
    late = await client.post(f"/covers/{cover['id']}/end", headers={**supervisor, "If-Match": tag})
    assert late.status_code == 412 and late.json()["code"] == "etag_mismatch", late.text
