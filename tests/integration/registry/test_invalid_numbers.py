"""Rule 3: an invalid number never looks like "no occurrences". The three search paths
(POST /persons/search, POST /occurrences/search, import) and registration refuse the same numbers with the
same message from the one validator."""
import pytest

from tests.pins import INVALID_PINS
from tests.integration.registry.test_import import csv_of, post_import, row


@pytest.mark.parametrize("pin", INVALID_PINS)
async def test_every_path_flags_the_same_number_the_same_way(registry, pin):
    env, client = registry
    headers = env.auth("family_law")
    lookup = await client.post("/persons/search", json={"pin": pin}, headers=headers)
    search = await client.post("/occurrences/search", json={"pin": pin}, headers=headers)
    create = await client.post("/persons", json={"pin": pin, "first_name": "A", "last_name": "B"},
                               headers=env.auth("caseworker", unit="vuxen"))
    imported = (await post_import(client, env, csv_of([row(pin=pin)]))).json()["results"][0]

    details = set()
    for response in (lookup, search, create):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_personal_identity_number"
        details.add(response.json()["detail"])
    assert len(details) == 1, details
    assert imported["status"] == "refused" and details.pop() in imported["reasons"]
