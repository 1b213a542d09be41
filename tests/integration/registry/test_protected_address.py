"""Skyddade personuppgifter: a protected address is read only under an explicit grant. Opening a
case grants nothing, in the person's unit or another; a supervisor grants it to one member of
staff for a reason and a time, every read under it is logged with that reason, and a revoked or
lapsed grant shows nothing any more. Nobody grants it to themselves."""
from tests.pins import register_person
from tests.integration.registry.test_cases import open_case
from tests.stack import eventually

ADDRESS = {"street": "Hemliga vägen 7", "postal_code": "999 99", "city": "Gömstad"}


async def _protected(client, env) -> str:
    return await register_person(client, env.auth("caseworker", unit="vuxen"), protected_identity=True,
                                 address=ADDRESS)


async def _address(client, env, person_id, sub, unit="vuxen", role="caseworker") -> dict:
    response = await client.get(f"/persons/{person_id}", headers=env.auth(role, sub, unit=unit))
    assert response.status_code == 200, response.text
    return response.json()


async def test_opening_a_case_in_another_unit_unlocks_nothing(registry):
    env, client = registry
    person_id = await _protected(client, env)
    await open_case(client, env, unit="barn", person_id=person_id)
    await open_case(client, env, unit="vuxen", person_id=person_id)
    for sub, unit in (("bertil", "barn"), ("anna", "vuxen")):
        seen = await _address(client, env, person_id, sub, unit)
        assert seen["address"] is None and seen["address_withheld"] is True, seen
        assert "Hemliga" not in str(seen)


async def test_a_grant_shows_the_address_to_its_holder_only_logged_with_its_reason(registry):
    env, client = registry
    person_id = await _protected(client, env)
    boss = env.auth("supervisor", "chef-vuxen", unit="vuxen")
    made = await client.post(f"/persons/{person_id}/address-grants", headers=boss,
                             json={"grantee": "anna", "reason": "Hembesök enligt beslut 12", "days": 7})
    assert made.status_code == 201, made.text
    grant = made.json()
    assert grant["unit"] == "vuxen" and grant["granted_by"] == "chef-vuxen"

    assert (await _address(client, env, person_id, "anna"))["address"] == ADDRESS
    # Another caseworker of the unit, the holder in another unit, the supervisor: nothing.
    for sub, unit, role in (("britt", "vuxen", "caseworker"), ("anna", "barn", "caseworker"),
                            ("chef-vuxen", "vuxen", "supervisor")):
        assert (await _address(client, env, person_id, sub, unit, role))["address"] is None

    async def logged():
        response = await client.get("/audit", params={"person_id": person_id, "limit": 200},
                                    headers=env.auth("support", "loggkontroll"))
        entries = [e for e in response.json()["items"] if e["action"] == "read_protected_address"]
        return entries or None
    entries = await eventually(logged, timeout=30)
    assert entries and entries[0]["actor"] == "anna"
    assert "Hembesök enligt beslut 12" in entries[0]["reason"] and grant["id"] in entries[0]["reason"]

    revoked = await client.post(f"/persons/{person_id}/address-grants/{grant['id']}/revocation", headers=boss,
                                json={"reason": "Ärendet avslutat"})
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == "chef-vuxen"
    assert (await _address(client, env, person_id, "anna"))["address"] is None
    again = await client.post(f"/persons/{person_id}/address-grants/{grant['id']}/revocation", headers=boss,
                              json={"reason": "Igen"})
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"
    listed = (await client.get(f"/persons/{person_id}/address-grants", headers=boss)).json()
    assert [g["id"] for g in listed["items"]] == [grant["id"]] and listed["items"][0]["revoked_at"]


async def test_what_a_grant_may_not_be(registry):
    env, client = registry
    person_id = await _protected(client, env)
    boss = env.auth("supervisor", "chef-vuxen", unit="vuxen")
    url = f"/persons/{person_id}/address-grants"
    own = await client.post(url, headers=boss, json={"grantee": "chef-vuxen", "reason": "Jag vill se"})
    assert own.status_code == 403 and own.json()["code"] == "self_grant"
    long = await client.post(url, headers=boss, json={"grantee": "anna", "reason": "Länge", "days": 365})
    assert long.status_code == 422
    plain = await register_person(client, env.auth("caseworker", unit="vuxen"), address=ADDRESS)
    unprotected = await client.post(f"/persons/{plain}/address-grants", headers=boss,
                                    json={"grantee": "anna", "reason": "Behövs inte"})
    assert unprotected.status_code == 409 and unprotected.json()["code"] == "not_protected"
    for role in ("caseworker", "support", "family_law"):
        refused = await client.post(url, headers=env.auth(role, "x", unit="vuxen"),
                                    json={"grantee": "anna", "reason": "Jag vill"})
        assert refused.status_code == 403, (role, refused.text)
    # An unprotected person's address needs no grant.
    assert (await _address(client, env, plain, "britt"))["address"] == ADDRESS


async def test_a_grant_is_revoked_only_as_read(registry):
    """A grant has its own URL (the Location of its making) with an ETag; a revocation sent with an
    ETag the grant no longer has is 412 and revokes nothing."""
    env, client = registry
    person_id = await _protected(client, env)
    boss = env.auth("supervisor", "chef-vuxen", unit="vuxen")
    made = await client.post(f"/persons/{person_id}/address-grants", headers=boss,
                             json={"grantee": "anna", "reason": "Hembesök enligt beslut 14", "days": 7})
    assert made.status_code == 201, made.text
    grant = made.json()
    assert made.headers["Location"].endswith(f"/address-grants/{grant['id']}")
    read = await client.get(f"/address-grants/{grant['id']}", headers=boss)
    assert read.status_code == 200 and read.json() == grant, read.text
    tag = read.headers["ETag"]
    assert tag == made.headers["ETag"]
    other_unit = await client.get(f"/address-grants/{grant['id']}", headers=env.auth("supervisor", unit="barn"))
    assert other_unit.status_code == 404 and other_unit.json()["code"] == "grant_not_found"

    revocation = f"/persons/{person_id}/address-grants/{grant['id']}/revocation"
    stale = await client.post(revocation, headers={**boss, "If-Match": '"0"'}, json={"reason": "Hembesöket är gjort"})
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch", stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/address-grants/{grant['id']}", headers=boss)).json()["revoked_at"] is None
    assert (await _address(client, env, person_id, "anna"))["address"] == ADDRESS

    revoked = await client.post(revocation, headers={**boss, "If-Match": tag}, json={"reason": "Hembesöket är gjort"})
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == "chef-vuxen", revoked.text
    assert revoked.headers["ETag"] != tag
    assert (await client.get(f"/address-grants/{grant['id']}", headers=boss)).headers["ETag"] == revoked.headers["ETag"]
    late = await client.post(revocation, headers={**boss, "If-Match": tag}, json={"reason": "Hembesöket är gjort"})
    assert late.status_code == 412 and late.json()["code"] == "etag_mismatch", late.text
