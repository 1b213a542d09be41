"""Keycloak issues the tokens: a caseworker's (password grant) and a service account's (client
credentials) are taken end to end by services that trust the omsorg realm; a token of another
realm on the same Keycloak is refused."""
import json

import httpx
import jwt
import pytest

from tests import clock
from tests.integration.journal.helpers import journal_knows, key, note_body
from tests.keycloak import Keycloak
from tests.pins import register_person
from tests.stack import eventually, start_services

UNIT = "barn-och-unga"


@pytest.fixture(scope="module")
def keycloak():
    """Started once for this module's tests, and stopped after them (about 500 MB while it runs)."""
    try:
        server = Keycloak().start()
    except RuntimeError as exc:
        pytest.fail(f"Keycloak is needed for this test and could not be started: {exc}", pytrace=False)
    yield server
    server.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_keycloak_tokens_are_taken_end_to_end(env, keycloak):
    procs = await start_services(env, OMSORG_OIDC_ISSUERS=json.dumps([keycloak.issuer_setting()]))
    anna = await keycloak.password_token("anna")
    claims = jwt.decode(anna, options={"verify_signature": False})
    assert jwt.get_unverified_header(anna)["alg"] == "RS256" and claims["unit"] == UNIT
    caseworker = bearer(anna)
    async with httpx.AsyncClient(base_url=procs["registry"].url, timeout=30) as registry, \
            httpx.AsyncClient(base_url=procs["journal"].url, timeout=30) as journal:
        person_id = await register_person(registry, caseworker)
        case = await registry.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id},
                                   headers=caseworker)
        assert case.status_code == 201, case.text
        case_id = case.json()["id"]
        assert await eventually(lambda: journal_knows(env, case_id)), "the journal never saw the case"
        note = await journal.post(f"/cases/{case_id}/notes", json=note_body(), headers={**caseworker, **key()})
        assert note.status_code == 201, note.text
        assert note.json()["author"] == "anna", "the subject is the user name Keycloak gives"

        # The service account: its client's token is the `service` role, which keeps the staff directory.
        service = bearer(await keycloak.service_token())
        staff = await registry.put("/staff/anna", headers=service,
                                   json={"name": "Anna Andersson", "unit": UNIT, "active_from": clock.today().isoformat()})
        assert staff.status_code == 201, staff.text
        assert (await registry.put("/staff/anna", headers=caseworker, json={
            "name": "Anna Andersson", "unit": UNIT, "active_from": clock.today().isoformat()})).status_code == 403

        # The same user in another realm of the same Keycloak: an issuer Omsorg does not trust.
        other = await keycloak.password_token("anna", realm="other")
        refused = await registry.get(f"/cases/{case_id}", headers=bearer(other))
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "unauthorized" and "another issuer" in refused.json()["detail"]
        assert (await registry.get(f"/cases/{case_id}", headers=caseworker)).status_code == 200
