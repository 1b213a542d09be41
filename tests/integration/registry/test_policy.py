"""What each role must and must not be able to do in the registry, stated here as data and
checked against the running service (rule 8: no unit silently lacks a permission)."""
import uuid

import pytest

from shared.access.policy import policy
from tests.pins import make_pin, register_person
from tests.integration.registry.test_cases import open_case

ROLE_CLAIMS = {"caseworker": {"unit": "vuxen"}, "supervisor": {"unit": "vuxen"}, "object_specialist": {},
               "support": {}, "family_law": {}, "provider_user": {"provider_id": "hemtjanst-ab"},
               "citizen": {"pin": "191212121212"}, "service": {}}

# action -> the roles that must be allowed; every other role must be refused.
MUST = {
    "person.create": {"caseworker", "supervisor"},
    "person.read": {"caseworker", "supervisor", "family_law", "support"},
    "person.address_grant": {"supervisor"},
    "case.read": {"caseworker", "supervisor", "family_law", "object_specialist", "support"},
    "occurrences.search": {"caseworker", "supervisor", "family_law"},
    "audit.read": {"support", "supervisor"},
    "case.remove": {"support"},
    "import.run": {"support", "service"},
    "retention.dry_run": {"object_specialist"},
    "retention.approve": {"object_specialist"},
    "retention.read": {"object_specialist", "support"},
}


@pytest.fixture
async def subject(registry):
    env, client = registry
    pin = make_pin()
    person_id = await register_person(client, env.auth("caseworker", unit="vuxen"), pin=pin)
    case = await open_case(client, env, unit="vuxen", person_id=person_id)
    return pin, person_id, case["id"]


def _request(action, pin, person_id, case_id):
    return {
        "person.create": ("POST", "/persons", {"json": {"pin": "bad", "first_name": "A", "last_name": "B"}}),
        "person.read": ("GET", f"/persons/{person_id}", {}),
        "person.address_grant": ("GET", f"/persons/{person_id}/address-grants", {}),
        "case.read": ("GET", f"/cases/{case_id}", {}),
        "occurrences.search": ("POST", "/occurrences/search", {"json": {"pin": pin}}),
        "audit.read": ("GET", "/audit", {"params": {"person_id": person_id}}),
        "case.remove": ("GET", f"/cases/{case_id}/removals", {}),
        "import.run": ("POST", "/imports", {"content": b"pin,first_name,last_name\n"}),
        "retention.dry_run": ("GET", "/retention/dry-run", {}),
        "retention.approve": ("POST", "/retention/cullings",
                              {"json": {"rule_id": "personal_file", "person_ids": [person_id]}}),
        "retention.read": ("GET", f"/retention/cullings/{uuid.uuid4()}", {}),
    }[action]


def test_the_policy_data_says_what_the_tests_state():
    for action, roles in MUST.items():
        assert set(policy().roles_for(f"registry:{action}")) == roles, action


@pytest.mark.parametrize("action", MUST)
@pytest.mark.parametrize("role", ROLE_CLAIMS)
async def test_role_may_or_may_not(registry, subject, action, role):
    env, client = registry
    method, path, kwargs = _request(action, *subject)
    response = await client.request(method, path, headers=env.auth(role, **ROLE_CLAIMS[role]), **kwargs)
    if role in MUST[action]:
        assert response.status_code not in (401, 403), (role, action, response.text)
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (role, action, response.text)
