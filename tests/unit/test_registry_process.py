"""The order of work and the rules of investigations and decisions, without a database."""
from datetime import UTC, date, datetime

import pytest

from services.registry.domain import process
from services.registry.domain.process import Communication, CommunicationMethod
from shared.errors import DomainError, Kind

DAY = date(2025, 3, 10)


def code_of(call, *args, **kwargs) -> str | None:
    try:
        call(*args, **kwargs)
    except DomainError as problem:
        return problem.code
    return None


@pytest.mark.parametrize("start,due", [
    (date(2025, 1, 15), date(2025, 5, 15)),
    (date(2024, 10, 31), date(2025, 2, 28)),   # no 31 February: the month's last day
    (date(2023, 10, 31), date(2024, 2, 29)),   # leap year
    (date(2025, 9, 30), date(2026, 1, 30)),    # over the new year
    (date(2026, 8, 24), date(2026, 12, 28)),   # julafton, juldagen, annandag jul, a Sunday: Monday
    (date(2026, 2, 28), date(2026, 6, 29)),    # Sunday 28 June: Monday
    (date(2026, 2, 19), date(2026, 6, 22)),    # midsommarafton 19 June, midsommardagen, Sunday: Monday
])
def test_a_child_investigation_is_due_four_months_after_start_on_a_working_day(start, due):
    assert process.investigation_due(start, about_child=True) == due


def test_an_adult_investigation_has_no_statutory_deadline():
    assert process.investigation_due(date(2025, 1, 15), about_child=False) is None


@pytest.mark.parametrize("received,due", [
    (date(2025, 12, 25), date(2026, 1, 8)),
    (date(2026, 12, 10), date(2026, 12, 28)),   # day 14 is julafton
    (date(2026, 12, 17), date(2027, 1, 4)),    # day 14 is nyårsafton; nyårsdagen, then a weekend
    (date(2026, 11, 14), date(2026, 11, 30)),   # day 14 is a Saturday
])
def test_assessment_is_due_14_days_after_receipt_on_a_working_day(received, due):
    assert process.assessment_due(received) == due


def test_an_extension_moves_a_running_deadline_later():
    today = date(2026, 3, 1)
    ok = dict(due_on=date(2026, 3, 10), settled=False, new_due_on=date(2026, 4, 10), today=today, what="x")
    assert code_of(process.ensure_can_extend, **ok) is None
    assert code_of(process.ensure_can_extend, **{**ok, "due_on": None}) == "no_statutory_deadline"
    assert code_of(process.ensure_can_extend, **{**ok, "settled": True}) == "deadline_settled"
    assert code_of(process.ensure_can_extend, **{**ok, "new_due_on": date(2026, 3, 10)}) == "extension_not_later"
    assert code_of(process.ensure_can_extend, **{**ok, "due_on": date(2026, 2, 1),
                                                 "new_due_on": date(2026, 3, 1)}) == "extension_in_past"


def test_no_work_on_closed_or_removed_case():
    assert code_of(process.ensure_open, "closed", removed=False) == "case_closed"
    assert code_of(process.ensure_open, "open", removed=True) == "case_removed"
    assert code_of(process.ensure_open, "open", removed=False) is None


def test_decision_needs_an_investigation():
    assert code_of(process.ensure_has_investigation, False) == "no_investigation"
    assert code_of(process.ensure_has_investigation, True) is None


def test_one_investigation_at_a_time_not_in_future_not_before_case():
    kw = dict(started_on=DAY, opened_on=DAY, today=DAY)
    assert code_of(process.ensure_can_start_investigation, ongoing=True, **kw) == "investigation_ongoing"
    assert code_of(process.ensure_can_start_investigation, ongoing=False, **kw) is None
    assert code_of(process.ensure_can_start_investigation, ongoing=False, started_on=date(2025, 3, 11),
                   opened_on=DAY, today=DAY) == "investigation_in_future"
    assert code_of(process.ensure_can_start_investigation, ongoing=False, started_on=date(2025, 3, 9),
                   opened_on=DAY, today=DAY) == "investigation_before_case"


def test_a_case_with_an_ongoing_investigation_is_not_closed():
    assert code_of(process.ensure_can_close, ongoing_investigation=True) == "investigation_ongoing"


@pytest.mark.parametrize("communication,code", [
    (Communication(True, date(2025, 3, 1), CommunicationMethod.LETTER), None),
    (Communication(True, DAY, CommunicationMethod.MEETING), None),
    (Communication(False, not_communicated_reason="the application is granted in full"), None),
    (Communication(True, None, CommunicationMethod.LETTER), "communication_incomplete"),
    (Communication(True, date(2025, 3, 1), None), "communication_incomplete"),
    (Communication(True, date(2025, 3, 11), CommunicationMethod.LETTER), "communicated_after_decision"),
    (Communication(True, date(2025, 1, 1), CommunicationMethod.LETTER), "communicated_before_investigation"),
    (Communication(True, date(2025, 3, 1), CommunicationMethod.LETTER, "x"), "communication_contradictory"),
    (Communication(False), "communication_reason_missing"),
    (Communication(False, date(2025, 3, 1), None, "x"), "communication_contradictory"),
])
def test_kommunicering_before_the_decision(communication, code):
    assert code_of(process.check_communication, communication, decided_on=DAY,
                   investigation_started_on=date(2025, 2, 1)) == code


@pytest.mark.parametrize("valid_from,valid_to,follow_up_on,code", [
    (DAY, None, None, None),
    (DAY, date(2025, 12, 31), date(2025, 9, 1), None),
    (DAY, date(2025, 3, 9), None, "validity_reversed"),
    (DAY, None, date(2025, 3, 9), "follow_up_before_validity"),
    (DAY, date(2025, 6, 30), date(2025, 7, 1), "follow_up_after_validity"),
])
def test_decision_validity(valid_from, valid_to, follow_up_on, code):
    assert code_of(process.check_validity, valid_from=valid_from, valid_to=valid_to,
                   follow_up_on=follow_up_on) == code


def test_remove_once_restore_only_what_is_removed():
    assert code_of(process.ensure_can_remove, removed=True) == "case_removed"
    assert code_of(process.ensure_can_remove, removed=False) is None
    assert code_of(process.ensure_can_restore, removed=False) == "case_not_removed"
    assert code_of(process.ensure_can_restore, removed=True) is None


def test_a_removed_case_is_hidden_from_whoever_may_not_see_removed_cases():
    removed = {"removed_at": datetime(2025, 3, 10, 9, 30, tzinfo=UTC), "removed_by": "sara",
               "removal_reason": "fel person"}
    with pytest.raises(DomainError) as hidden:
        process.ensure_not_hidden(**removed, sees_removed=False)
    assert (hidden.value.kind, hidden.value.code) == (Kind.GONE, "case_removed")
    assert "sara" in hidden.value.detail and "fel person" in hidden.value.detail
    process.ensure_not_hidden(**removed, sees_removed=True)
    process.ensure_not_hidden(removed_at=None, removed_by=None, removal_reason=None, sees_removed=False)
