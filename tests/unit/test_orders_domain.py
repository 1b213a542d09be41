"""The orders domain: the state machine, provider visibility, decision validity, organisation
numbers and money — without a database."""
from datetime import date
from itertools import product
from uuid import uuid4

import pytest

from services.orders.domain import access, decisions, providers, reimbursements
from services.orders.domain.decisions import Decision
from services.orders.domain.orders import (
    ENDED_BY_CASE_CLOSE,
    TRANSITIONS,
    Action,
    OrderState,
    details_visible_to_provider,
    transition,
    visible_to_provider,
)
from shared.access.policy import grant_for, policy
from shared.auth import Principal
from shared.case_state import CaseState
from shared.errors import DomainError
from shared.problems import status_of

S, A = OrderState, Action

LEGAL = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SEND): S.SENT,
    (S.SENT, A.OPEN): S.OPENED,
    (S.SENT, A.RECALL): S.RECALLED,
    (S.OPENED, A.CONFIRM): S.CONFIRMED,
    (S.OPENED, A.REJECT): S.REJECTED,
    (S.OPENED, A.RECALL): S.RECALLED,
    (S.CONFIRMED, A.START): S.STARTED,
    (S.STARTED, A.REPORT_DELIVERY): S.STARTED,
    # Closing the case ends whatever was sent and is not at an end already.
    (S.SENT, A.END): S.ENDED,
    (S.OPENED, A.END): S.ENDED,
    (S.CONFIRMED, A.END): S.ENDED,
    (S.STARTED, A.END): S.ENDED,
}


def test_the_transition_table_is_exactly_the_documented_one():
    assert TRANSITIONS == LEGAL


@pytest.mark.parametrize("state,action", list(LEGAL))
def test_each_legal_transition(state, action):
    assert transition(state, action) is LEGAL[(state, action)]


@pytest.mark.parametrize("state,action", [p for p in product(S, A) if p not in LEGAL])
def test_every_other_transition_is_409_with_the_current_state(state, action):
    with pytest.raises(DomainError) as refused:
        transition(state, action)
    assert status_of(refused.value) == 409
    assert refused.value.code == "illegal_transition"
    assert refused.value.extra["current_state"] == state.value
    assert refused.value.extra["action"] == action.value


def test_recall_is_possible_until_the_provider_confirms_and_never_after():
    assert {s for (s, a) in LEGAL if a is A.RECALL} == {S.SENT, S.OPENED}
    for state in (S.CONFIRMED, S.STARTED, S.REJECTED, S.RECALLED, S.DRAFT):
        with pytest.raises(DomainError):
            transition(state, A.RECALL)


def test_final_states_allow_nothing():
    for state in (S.REJECTED, S.RECALLED):
        for action in A:
            with pytest.raises(DomainError) as refused:
                transition(state, action)
            assert "final" in refused.value.detail


def test_provider_never_sees_drafts_or_orders_recalled_unopened():
    assert not visible_to_provider(S.DRAFT, opened=False)
    assert not visible_to_provider(S.RECALLED, opened=False)
    assert visible_to_provider(S.RECALLED, opened=True)
    assert visible_to_provider(S.SENT, opened=False)
    assert not details_visible_to_provider(S.RECALLED)
    assert all(details_visible_to_provider(s) for s in S if s is not S.RECALLED)


# Decisions and cases

CASE_ID = uuid4()
OPEN = CaseState(unit="vuxen", open=True, removed=False)
DECISION = Decision(case_id=CASE_ID, unit="vuxen", intervention="home_help",
                    valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31))
TODAY = date(2025, 6, 15)


def _orderable(case=OPEN, decision=DECISION, **kw):
    args = dict(case_id=CASE_ID, intervention="home_help", wanted_start=date(2025, 7, 1), today=TODAY)
    args.update(kw)
    return decisions.ensure_orderable(case, decision, **args)


def _code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


def test_an_order_against_a_valid_decision_on_an_open_case_is_accepted():
    assert _orderable() is DECISION
    assert _orderable(decision=Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), None))
    assert _orderable(decision=Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), None,
                                        outcome="partly_granted"))


@pytest.mark.parametrize("kwargs,code", [
    ({"case": CaseState("vuxen", open=False, removed=False)}, "case_closed"),
    ({"case": CaseState("vuxen", open=True, removed=True)}, "case_removed"),
    ({"case": None}, "case_not_known"),
    ({"decision": None}, "decision_not_known"),
    ({"case_id": uuid4()}, "decision_of_other_case"),
    ({"decision": Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), None, outcome="rejected")},
     "decision_rejected"),
    ({"today": date(2026, 1, 1)}, "decision_lapsed"),
    ({"wanted_start": date(2024, 12, 31)}, "outside_decision_validity"),
    ({"wanted_start": date(2026, 1, 1)}, "outside_decision_validity"),
    ({"intervention": "escort"}, "intervention_not_decided"),
    ({"decision": Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), None, status="awaiting_approval")},
     "decision_not_in_force"),
    ({"decision": Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), None, status="refused")},
     "decision_not_in_force"),
])
def test_orders_are_refused_with_a_clear_code(kwargs, code):
    assert _code(lambda: _orderable(**kwargs)) == code


def test_refusals_about_the_case_and_decision_are_409_and_a_removed_case_is_410():
    with pytest.raises(DomainError) as refused:
        _orderable(case=CaseState("vuxen", open=False, removed=False))
    assert status_of(refused.value) == 409
    with pytest.raises(DomainError) as unknown:
        _orderable(case=None)
    assert (status_of(unknown.value), unknown.value.code) == (409, "case_not_known")
    for check in (_orderable, _deliverable):
        with pytest.raises(DomainError) as removed:
            check(case=CaseState("vuxen", open=False, removed=True))
        assert (status_of(removed.value), removed.value.code) == (410, "case_removed")
    with pytest.raises(DomainError) as lapsed:
        _orderable(today=date(2026, 1, 1))
    assert status_of(lapsed.value) == 409 and lapsed.value.extra["valid_to"] == "2025-12-31"


def _deliverable(case=OPEN, decision=DECISION, **kw):
    args = dict(case_id=CASE_ID, delivered_on=date(2025, 6, 1), started_on=date(2025, 5, 1), today=TODAY)
    args.update(kw)
    decisions.ensure_deliverable(case, decision, **args)


def test_deliveries_inside_validity_on_an_open_case_are_accepted():
    _deliverable()
    _deliverable(delivered_on=TODAY)


@pytest.mark.parametrize("kwargs,code", [
    ({"case": CaseState("vuxen", open=False, removed=False)}, "case_closed"),
    ({"case": CaseState("vuxen", open=True, removed=True)}, "case_removed"),
    ({"delivered_on": date(2025, 6, 16)}, "date_in_future"),
    ({"delivered_on": date(2024, 12, 31), "started_on": None}, "outside_decision_validity"),
    ({"decision": Decision(CASE_ID, "vuxen", "home_help", date(2025, 1, 1), date(2025, 5, 31))},
     "outside_decision_validity"),
    ({"delivered_on": date(2025, 4, 30)}, "before_start"),
])
def test_deliveries_are_refused_with_a_clear_code(kwargs, code):
    assert _code(lambda: _deliverable(**kwargs)) == code


def test_start_must_be_inside_validity_and_not_in_the_future():
    decisions.ensure_startable(OPEN, DECISION, case_id=CASE_ID, started_on=TODAY, today=TODAY)
    assert _code(lambda: decisions.ensure_startable(OPEN, DECISION, case_id=CASE_ID, started_on=date(2025, 6, 16),
                                                    today=TODAY)) == "date_in_future"
    assert _code(lambda: decisions.ensure_startable(OPEN, DECISION, case_id=CASE_ID, started_on=date(2024, 6, 1),
                                                    today=TODAY)) == "outside_decision_validity"


# Organisation numbers

@pytest.mark.parametrize("text,normal", [
    ("212000-1355", "212000-1355"),   # a municipality
    ("2120001355", "212000-1355"),
    ("556036-0793", "556036-0793"),   # an aktiebolag
    (" 802002-3936 ", "802002-3936"),  # an ideell förening
])
def test_valid_organisation_numbers(text, normal):
    assert providers.normalise_organisation_number(text) == normal


@pytest.mark.parametrize("text", ["212000-1356", "556036-0792", "21200-01355", "212000-135", "abcdef-ghij",
                                  "", "212000 1355", "19212000-1355", "212000--1355"])
def test_invalid_organisation_numbers_are_422(text):
    with pytest.raises(DomainError) as refused:
        providers.normalise_organisation_number(text)
    assert (status_of(refused.value), refused.value.code) == (422, "invalid_organisation_number")


def test_luhn_agrees_with_the_personnummer_package_on_ten_digits():
    # A personal identity number carries the same check digit; the package is the reference.
    reference = pytest.importorskip("personnummer.personnummer")
    for number in ("8507099805", "8507099804", "1212121212", "1212121213", "0001010107", "0001010108"):
        assert providers.luhn_ok(number) == reference.valid(number)


def test_a_provider_must_offer_the_intervention():
    providers.ensure_offers(["home_help", "escort"], "escort")
    assert _code(lambda: providers.ensure_offers(["home_help"], "escort")) == "provider_does_not_offer"


# Access

def grant(action: str, role: str, **claims):
    return grant_for(Principal(sub="x", roles=[role], **claims), f"orders:{action}")


def test_caseworkers_and_supervisors_order_in_their_own_unit_only():
    grant("order.write", "caseworker", unit="vuxen").ensure_unit("vuxen")
    grant("order.write", "supervisor", unit="vuxen").ensure_unit("vuxen")
    assert _code(lambda: grant("order.write", "caseworker", unit="barn").ensure_unit("vuxen")) == "other_unit"
    assert _code(lambda: grant("order.write", "supervisor", unit="barn").ensure_unit("vuxen")) == "other_unit"
    grant("order.read", "supervisor", unit="barn").ensure_unit("vuxen")  # reading reaches further


def test_provider_users_are_scoped_to_the_token_provider():
    mine, other = uuid4(), uuid4()
    user = grant("reimbursement.read", "provider_user", provider_id=str(mine))
    assert user.own_provider() == mine
    assert grant("reimbursement.read", "provider_user", provider_id="not-a-uuid").own_provider() is None
    access.ensure_own_provider(user, mine)
    assert _code(lambda: access.ensure_own_provider(user, other)) == "other_provider"
    access.ensure_own_provider(grant("reimbursement.read", "object_specialist"), other)


def test_the_access_policy_states_who_may_do_what():
    assert policy().roles_for("orders:order.write") == ("caseworker", "supervisor")
    assert policy().roles_for("orders:provider_order.read") == ("provider_user",)
    assert "provider_user" not in policy().roles_for("orders:order.read")
    assert "caseworker" not in policy().roles_for("orders:provider.register")


# Money

@pytest.mark.parametrize("month,bounds", [
    ("2025-03", (date(2025, 3, 1), date(2025, 4, 1))),
    ("2025-12", (date(2025, 12, 1), date(2026, 1, 1))),
])
def test_month_bounds(month, bounds):
    assert reimbursements.month_bounds(month) == bounds


@pytest.mark.parametrize("month", ["2025-13", "2025-00", "2025-3", "March", "1999-01", "2025-03-01"])
def test_invalid_months_are_422(month):
    with pytest.raises(DomainError) as refused:
        reimbursements.month_bounds(month)
    assert (status_of(refused.value), refused.value.code) == (422, "invalid_month")


@pytest.mark.parametrize("quantity,price,per,expected", [
    (60, 45_000, 60, 45_000),      # an hour at 450 kr/h
    (90, 45_000, 60, 67_500),
    (1, 43_700, 60, 728),          # 728.33 öre → 728
    (1, 43_730, 60, 729),          # 728.83 öre → 729
    (1, 90, 60, 2),                # 1.5 öre → 2 (half up)
    (3, 120_000, 1, 360_000),      # three units (e.g. days) at 1 200 kr
    (0, 45_000, 60, 0),
])
def test_amounts_are_whole_ore_rounded_half_up(quantity, price, per, expected):
    assert reimbursements.amount_ore(quantity, price, per) == expected


# Pages of the basis: whole orders

def _lines(*orders: str) -> list[dict]:
    return [{"order_id": order, "measure": measure} for order in orders for measure in ("minutes", "units")]


def test_a_page_of_the_basis_holds_whole_orders():
    lines = _lines("a", "b", "c")
    assert reimbursements.whole_orders(lines, 2) == (_lines("a", "b"), "b")
    assert reimbursements.whole_orders(lines, 3) == (lines, None)
    assert reimbursements.whole_orders(lines[:3], 1) == (_lines("a"), "a")   # the next order's first line
    assert reimbursements.whole_orders([], 5) == ([], None)


def test_a_day_holds_at_most_1440_minutes_of_one_order():
    decisions.ensure_within_day(measure="minutes", already=1000, quantity=440, delivered_on=date(2026, 3, 2))
    with pytest.raises(DomainError) as refused:
        decisions.ensure_within_day(measure="minutes", already=1440, quantity=1, delivered_on=date(2026, 3, 2))
    assert refused.value.code == "delivery_exceeds_day" and refused.value.extra == {"already": 1440, "limit": 1440}
    assert "1440" in refused.value.detail and "2026-03-02" in refused.value.detail
    with pytest.raises(DomainError):
        decisions.ensure_within_day(measure="units", already=0, quantity=1001, delivered_on=date(2026, 3, 2))


def test_closing_a_case_ends_what_was_sent_and_leaves_the_rest():
    assert ENDED_BY_CASE_CLOSE == {S.SENT, S.OPENED, S.CONFIRMED, S.STARTED}
    for state in (S.DRAFT, S.REJECTED, S.RECALLED, S.ENDED):
        with pytest.raises(DomainError):
            transition(state, A.END)
    with pytest.raises(DomainError):
        transition(S.ENDED, A.REPORT_DELIVERY)


@pytest.mark.parametrize("address", ["root;x@provider.example", "postmaster,x@provider.example",
                                     "<root>x@provider.example", "åsa@utforare.example", "inte en adress"])
def test_provider_addresses_are_parsed_not_pattern_matched(address):
    with pytest.raises(DomainError) as refused:
        providers.normalise_email(address)
    assert refused.value.code == "invalid_email"


def test_a_provider_address_is_kept_in_its_ascii_form():
    assert providers.normalise_email(" x@spår.example ") == "x@xn--spr-vla.example"
    assert providers.normalise_email("Anna.B@Example.SE") == "Anna.B@example.se"
