"""The delegation order as data (services/registry/delegation.yaml) and the approval of decisions
above their maker's delegation, without a database."""
from datetime import date
from decimal import Decimal

import pytest

from services.registry import delegation as delegation_file
from services.registry.domain import delegation
from services.registry.domain.delegation import DelegationError, Status, parse
from services.registry.domain.staff import Level, level_of
from shared.errors import DomainError, Kind

ORDER = parse({"rules": [
    {"intervention": "home_help", "scope_above": 120, "level": "supervisor"},
    {"intervention": "financial_assistance", "scope_above": "20000", "level": "supervisor"},
    {"intervention": "financial_assistance", "scope_above": 100000, "level": "committee"},
    {"intervention": "residential_care_placement", "outcome": "granted", "level": "supervisor"},
    {"intervention": "*", "outcome": "rejected", "level": "caseworker"},
]})


def required(intervention, amount=None, outcome="granted") -> Level:
    return ORDER.required_level(intervention=intervention, outcome=outcome,
                                scope_amount=None if amount is None else Decimal(amount))


def test_the_required_level_is_the_highest_of_the_rules_matched():
    assert required("home_help", "120") is Level.CASEWORKER      # at the threshold: not above it
    assert required("home_help", "120.5") is Level.SUPERVISOR
    assert required("home_help") is Level.CASEWORKER             # no scope: a threshold does not match
    assert required("financial_assistance", "20000.01") is Level.SUPERVISOR
    assert required("financial_assistance", "250000") is Level.COMMITTEE
    assert required("residential_care_placement") is Level.SUPERVISOR
    assert required("residential_care_placement", outcome="rejected") is Level.CASEWORKER
    assert required("escort_service", "500") is Level.CASEWORKER  # matching no rule


def test_the_shipped_file_loads_and_keeps_small_decisions_with_the_caseworker():
    order = delegation_file.load()
    assert order.required_level(intervention="home_help", outcome="granted", scope_amount=Decimal(40)) \
        is Level.CASEWORKER
    assert order.required_level(intervention="home_help", outcome="granted", scope_amount=Decimal(200)) \
        is Level.SUPERVISOR
    assert order.required_level(intervention="personal_assistance", outcome="granted",
                                scope_amount=Decimal(300)) is Level.COMMITTEE


@pytest.mark.parametrize("document,message", [
    ({"rules": [{"intervention": "hemtjänst", "level": "supervisor"}]}, "unknown intervention"),
    ({"rules": [{"intervention": "home_help", "level": "chief"}]}, "unknown level"),
    ({"rules": [{"intervention": "home_help", "outcome": "approved", "level": "supervisor"}]}, "unknown outcome"),
    ({"rules": [{"intervention": "home_help", "scope_above": "many", "level": "supervisor"}]}, "a number"),
    ({"rules": [{"intervention": "home_help", "scope_above": -1, "level": "supervisor"}]}, "zero or more"),
    ({"rules": [{"intervention": "*", "scope_above": 10, "level": "supervisor"}]}, "scope unit"),
    ({"rules": [{"intervention": "special_housing", "scope_above": 10, "level": "supervisor"}]}, "scope unit"),
    ({"rules": [{"intervention": "home_help", "levle": "supervisor"}]}, "needs `intervention` and `level`"),
    ({"rules": [{"level": "supervisor"}]}, "needs `intervention` and `level`"),
    ({"rules": {"home_help": "supervisor"}}, "must be a list"),
    ({"regler": []}, "exactly `rules`"),
    (None, "exactly `rules`"),
])
def test_a_malformed_order_is_refused(document, message):
    with pytest.raises(DelegationError, match=message):
        parse(document)


def test_a_malformed_file_fails_to_load(tmp_path):
    bad = tmp_path / "delegation.yaml"
    bad.write_text("rules:\n  - intervention: home_help\n    level: boss\n", encoding="utf-8")
    with pytest.raises(DelegationError, match="rule #1: unknown level 'boss'"):
        delegation_file.load(bad)
    bad.write_text("rules: [unclosed\n", encoding="utf-8")
    with pytest.raises(DelegationError, match="not YAML"):
        delegation_file.load(bad)


def test_a_decision_above_its_makers_level_waits_for_approval():
    assert delegation.status_for(required=Level.CASEWORKER, maker=Level.CASEWORKER) == Status.IN_FORCE
    assert delegation.status_for(required=Level.SUPERVISOR, maker=Level.CASEWORKER) == Status.AWAITING_APPROVAL
    assert delegation.status_for(required=Level.SUPERVISOR, maker=Level.SUPERVISOR) == Status.IN_FORCE
    assert delegation.status_for(required=Level.COMMITTEE, maker=Level.SUPERVISOR) == Status.AWAITING_APPROVAL
    assert delegation.status_for(required=Level.SUPERVISOR, maker=Level.COMMITTEE) == Status.IN_FORCE


def test_a_maker_unknown_or_inactive_in_the_directory_decides_as_a_caseworker():
    member = {"delegation_level": "supervisor", "active_from": date(2026, 1, 1), "active_to": date(2026, 6, 30)}
    assert level_of(None, date(2026, 3, 1)) is Level.CASEWORKER
    assert level_of(member, date(2026, 3, 1)) is Level.SUPERVISOR
    assert level_of(member, date(2026, 7, 1)) is Level.CASEWORKER
    assert level_of(member, date(2025, 12, 31)) is Level.CASEWORKER


def settle(**change):
    args = {"status": Status.AWAITING_APPROVAL, "required": Level.SUPERVISOR, "approver": Level.SUPERVISOR,
            "approver_unit": "vuxen", "unit": "vuxen", "approver_subject": "greta", "maker_subject": "anna",
            **change}
    try:
        delegation.ensure_can_settle(**args)
    except DomainError as problem:
        return problem.kind, problem.code
    return None


def test_who_may_approve_or_refuse():
    assert settle() is None
    assert settle(required=Level.COMMITTEE) == (Kind.FORBIDDEN, "delegation_insufficient")
    assert settle(approver=Level.CASEWORKER) == (Kind.FORBIDDEN, "delegation_insufficient")
    assert settle(approver_unit="barn") == (Kind.FORBIDDEN, "delegation_other_unit")
    assert settle(approver_unit=None) == (Kind.FORBIDDEN, "delegation_other_unit")
    assert settle(approver=Level.COMMITTEE, required=Level.COMMITTEE, approver_unit="nämnden") is None
    assert settle(approver_subject="anna") == (Kind.FORBIDDEN, "own_decision")
    assert settle(status=Status.IN_FORCE) == (Kind.CONFLICT, "decision_not_awaiting_approval")
    assert settle(status=Status.REFUSED) == (Kind.CONFLICT, "decision_not_awaiting_approval")


def test_only_a_decision_in_force_is_carried_out():
    delegation.ensure_in_force(Status.IN_FORCE)
    for status in (Status.AWAITING_APPROVAL, Status.REFUSED):
        with pytest.raises(DomainError) as refused:
            delegation.ensure_in_force(status)
        assert (refused.value.kind, refused.value.code) == (Kind.CONFLICT, "decision_not_in_force")


def test_a_supervisor_acts_in_their_own_unit_only_and_reads_further():
    from shared.access.policy import policy
    actions = policy().actions
    writes = ["registry:inquiry.record", "registry:inquiry.assess", "registry:case.open", "registry:case.close",
              "registry:case.investigate", "registry:case.decide", "registry:decision.approve",
              "journal:note.write", "journal:note.correct", "journal:note.sign", "journal:note.sign_for_author",
              "journal:note.addend", "orders:order.write"]
    assert {a: actions[a]["supervisor"] for a in writes} == {a: "own_unit" for a in writes}
    assert actions["registry:case.read"]["supervisor"] == "all_units"
