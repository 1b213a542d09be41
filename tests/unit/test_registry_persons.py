"""The registry's use of the one validator, and who may see a protected address."""
from datetime import date

import pytest

from services.registry.domain.persons import INVALID_PIN, is_child_on, pin_error, valid_pin
from shared.access.policy import grant_for, policy
from shared.auth import Principal
from shared.errors import DomainError
from shared.problems import status_of
from tests.pins import INVALID_PINS

TODAY = date(2025, 6, 15)


def user(role, unit=None):
    return Principal(sub="x", roles=[role], unit=unit)


@pytest.mark.parametrize("value,message", INVALID_PINS.items())
def test_invalid_numbers_are_problems_with_the_validators_message(value, message):
    with pytest.raises(DomainError) as caught:
        valid_pin(value, TODAY)
    assert status_of(caught.value) == 422 and caught.value.code == INVALID_PIN
    assert message in caught.value.detail
    assert pin_error(value, TODAY) == caught.value.detail


def test_valid_number_is_normalized():
    assert valid_pin("121212-1212", TODAY).normalized == "201212121212"
    assert pin_error("19121212-1212", TODAY) is None


def test_child_until_the_eighteenth_birthday():
    assert is_child_on(date(2007, 6, 16), TODAY)
    assert not is_child_on(date(2007, 6, 15), TODAY)


@pytest.mark.parametrize("who,units,allowed", [
    (user("caseworker", "vuxen"), {"vuxen"}, True),
    (user("supervisor", "vuxen"), {"vuxen", "barn"}, True),
    (user("caseworker", "vuxen"), {"barn"}, False),
    (user("caseworker"), {"vuxen"}, False),
    (user("family_law", "familjeratt"), {"familjeratt"}, False),
    (user("support"), {"vuxen"}, False),
    (user("object_specialist", "vuxen"), {"vuxen"}, False),
    (user("caseworker", "vuxen"), set(), False),
])
def test_who_sees_a_protected_address(who, units, allowed):
    grant = grant_for(who, "registry:person.protected_address.read")
    assert (grant is not None and grant.sees_any_unit(units)) is allowed


def test_caseworker_sees_own_unit_only_family_law_every_unit():
    assert grant_for(user("caseworker", "vuxen"), "registry:case.read").sees_unit("vuxen")
    assert not grant_for(user("caseworker", "vuxen"), "registry:case.read").sees_unit("barn")
    assert grant_for(user("family_law"), "registry:case.read").sees_unit("barn")


def test_registry_staff_actions_are_closed_to_providers_and_citizens():
    staff = {action: roles for action, roles in policy().actions.items()
             if action.startswith("registry:") and not action.startswith("registry:own_")}
    assert not {"citizen", "provider_user"} & {r for roles in staff.values() for r in roles}


def test_only_support_sees_removed_cases():
    assert grant_for(user("support"), "registry:case.remove")
    assert not any(grant_for(user(r, "vuxen"), "registry:case.remove")
                   for r in ("caseworker", "supervisor", "family_law"))
