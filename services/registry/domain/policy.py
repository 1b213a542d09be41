"""The registry's access policy, as data: which roles may do what.

Tests state for every role what it must and must not be able to do (tests/registry/
test_policy.py), so a unit cannot silently lack a permission it needs.
"""
from collections.abc import Iterable

from shared.auth import Principal

ALLOWED: dict[str, tuple[str, ...]] = {
    "person.create": ("caseworker", "supervisor"),
    "person.read": ("caseworker", "supervisor", "family_law", "support"),
    "inquiry.record": ("caseworker", "supervisor"),
    "inquiry.read": ("caseworker", "supervisor"),
    "inquiry.assess": ("caseworker", "supervisor"),
    "case.open": ("caseworker", "supervisor"),
    "case.read": ("caseworker", "supervisor", "family_law", "object_specialist", "support"),
    "case.close": ("caseworker", "supervisor"),
    "case.investigate": ("caseworker", "supervisor"),
    "case.decide": ("caseworker", "supervisor"),
    "case.remove": ("support",),
    "occurrences.search": ("caseworker", "supervisor", "family_law"),
    "audit.read": ("support", "supervisor"),
    "import.run": ("support", "service"),
}

# Roles that see the cases and occurrences of every unit; a caseworker sees only their own unit.
ALL_UNITS = ("supervisor", "family_law", "support", "object_specialist")

# Roles that may see a protected person's address, and only through a case of their own unit.
PROTECTED_ADDRESS_ROLES = ("caseworker", "supervisor")


# Removed cases are out of every usual view; support, who removes and restores, still sees them.
REMOVED_CASE_ROLES = ("support",)


def roles_for(action: str) -> tuple[str, ...]:
    return ALLOWED[action]


def sees_all_units(user: Principal) -> bool:
    return user.has_any(*ALL_UNITS)


def may_see_unit(user: Principal, unit: str) -> bool:
    return sees_all_units(user) or user.unit == unit


def may_see_protected_address(user: Principal, units_with_case: Iterable[str]) -> bool:
    """Skyddade personuppgifter: the address only to a caseworker or supervisor whose own unit
    has a case for the person. Family law, support and everyone else get "withheld": family-law
    matters (custody, contact) are exactly where a protected address must not leak."""
    if not user.has_any(*PROTECTED_ADDRESS_ROLES) or not user.unit:
        return False
    return user.unit in set(units_with_case)


def may_see_removed_case(user: Principal) -> bool:
    return user.has_any(*REMOVED_CASE_ROLES)
