"""A decision's content and its carrying out, without a database."""
from datetime import date
from decimal import Decimal

import pytest

from services.registry.domain import decisions as rules
from services.registry.domain.decisions import DelayReason, ExecutionState, Method
from services.registry.domain.process import Outcome
from shared import interventions
from shared.errors import DomainError
from shared.interventions import CarriedOut

TODAY = date(2026, 3, 10)


def code_of(call, *args, **kwargs) -> str | None:
    try:
        call(*args, **kwargs)
    except DomainError as problem:
        return problem.code
    return None


def content(**change):
    return {"intervention": "home_help", "outcome": Outcome.GRANTED, "reasons": "Behov av stöd i hemmet.",
            "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "scope_amount": Decimal("40"), **change}


def test_a_decision_names_an_intervention_of_the_catalogue_with_reasons_and_legal_basis():
    item, scope = rules.check_content(**content())
    assert item.name == "Hemtjänst" and scope == rules.Scope(Decimal("40"), interventions.ScopeUnit.HOURS_PER_MONTH)
    assert code_of(rules.check_content, **content(intervention="hemtjänst")) == "unknown_intervention"
    assert code_of(rules.check_content, **content(reasons="  ")) == "reasons_missing"
    assert code_of(rules.check_content, **content(reasons="")) == "reasons_missing"
    assert code_of(rules.check_content, **content(legal_basis="")) == "legal_basis_missing"
    assert code_of(rules.check_content, **content(scope_amount=Decimal("0"))) == "scope_not_positive"
    assert code_of(rules.check_content, **content(outcome=Outcome.REJECTED)) == "scope_of_rejection"
    assert code_of(rules.check_content, **content(intervention="special_housing")) == "scope_not_measured"


def test_the_unknown_intervention_points_to_the_catalogue():
    with pytest.raises(DomainError) as raised:
        interventions.get("hemtjänst")
    assert raised.value.extra["catalogue"] == interventions.CATALOGUE_PATH


def test_only_a_decision_not_granting_in_full_carries_appeal_instructions():
    assert rules.appeal_instructions(Outcome.GRANTED) is None
    for outcome in (Outcome.PARTLY_GRANTED, Outcome.REJECTED):
        text = rules.appeal_instructions(outcome)
        assert "förvaltningsrätten" in text and "tre veckor" in text


@pytest.mark.parametrize("pin,gender", [("193801011234", "male"), ("193801011242", "female"),
                                        ("200002291238", "male")])
def test_gender_comes_from_the_second_last_digit(pin, gender):
    assert rules.gender_of(pin) == gender


def test_the_state_of_carrying_out_follows_the_actions_in_order():
    assert ExecutionState.of([]) == ExecutionState()
    state = ExecutionState.of([("executed", date(2026, 1, 5)), ("interrupted", date(2026, 2, 1))])
    assert state == ExecutionState(date(2026, 1, 5), date(2026, 2, 1))
    assert ExecutionState.of([("executed", date(2026, 1, 5)), ("interrupted", date(2026, 2, 1)),
                              ("resumed", date(2026, 2, 9))]) == ExecutionState(date(2026, 1, 5), None)


def test_execution_interruption_and_resumption_rules():
    none, running = ExecutionState(), ExecutionState(date(2026, 1, 5))
    execute = dict(outcome="granted", carried_out=CarriedOut.IN_HOUSE, method=Method.IN_HOUSE, state=none,
                   decided_on=date(2026, 1, 1), on=date(2026, 1, 5), today=TODAY)
    assert code_of(rules.ensure_can_execute, **execute) is None
    assert code_of(rules.ensure_can_execute, **{**execute, "outcome": "rejected"}) == "decision_rejected"
    assert code_of(rules.ensure_can_execute, **{**execute, "state": running}) == "already_executed"
    assert code_of(rules.ensure_can_execute, **{**execute, "on": date(2025, 12, 31)}) == "execution_too_early"
    assert code_of(rules.ensure_can_execute, **{**execute, "on": date(2026, 3, 11)}) == "execution_in_future"
    assert code_of(rules.ensure_can_execute, **{**execute, "carried_out": CarriedOut.PAYMENT}) == \
        "method_not_for_intervention"
    assert code_of(rules.ensure_can_interrupt, state=none, on=TODAY, today=TODAY) == "not_executed"
    assert code_of(rules.ensure_can_interrupt, state=running, on=TODAY, today=TODAY) is None
    interrupted = ExecutionState(date(2026, 1, 5), date(2026, 2, 1))
    assert code_of(rules.ensure_can_interrupt, state=interrupted, on=TODAY, today=TODAY) == "already_interrupted"
    assert code_of(rules.ensure_can_resume, state=running, on=TODAY, today=TODAY) == "not_interrupted"
    assert code_of(rules.ensure_can_resume, state=interrupted, on=date(2026, 1, 31), today=TODAY) == \
        "execution_too_early"


def test_a_declined_offer_is_dated_and_only_then():
    kw = dict(decided_on=date(2026, 1, 1), today=TODAY, state=ExecutionState())
    assert code_of(rules.ensure_delay_reason, code=DelayReason.DECLINED_OFFER, declined_offer_on=None, **kw) == \
        "declined_offer_on"
    assert code_of(rules.ensure_delay_reason, code=DelayReason.NO_PLACE_AVAILABLE,
                   declined_offer_on=date(2026, 2, 1), **kw) == "declined_offer_on"
    assert code_of(rules.ensure_delay_reason, code=DelayReason.DECLINED_OFFER,
                   declined_offer_on=date(2026, 2, 1), **kw) is None


@pytest.mark.parametrize("status, reasons, code", [
    ("awaiting_approval", "Behov", "decision_not_in_force"), ("refused", "Behov", "decision_not_in_force"),
    ("in_force", None, "no_letter")])
def test_only_a_decision_in_force_with_its_reasons_has_a_letter(status, reasons, code):
    from services.registry.domain.decisions import ensure_has_letter
    with pytest.raises(DomainError) as refused:
        ensure_has_letter(reasons=reasons, status=status)
    assert refused.value.code == code
    ensure_has_letter(reasons="Behov", status="in_force")
