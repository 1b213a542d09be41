"""The worklists' orders, cursors and flags, and who may hand over a case, without a database."""
import re
from datetime import date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest

from services.registry.domain import responsibility, worklists
from services.registry.domain.worklists import NO_DEADLINE
from services.registry.store import worklists as sql
from shared.errors import DomainError, Kind
from shared.pagination import decode_cursor, encode_cursor, page_of

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, tzinfo=timezone.utc)


def ids(n: int) -> list[UUID]:
    return sorted(uuid4() for _ in range(n))


def test_the_intake_queue_puts_child_reports_first_by_due_date_then_the_rest_oldest_first():
    a, b, c, d, e = ids(5)
    rows = [
        {"id": a, "assessment_due_on": None, "received_on": date(2026, 10, 1)},            # old application
        {"id": b, "assessment_due_on": date(2026, 12, 5), "received_on": date(2026, 11, 21)},
        {"id": c, "assessment_due_on": date(2026, 11, 20), "received_on": date(2026, 11, 6)},   # overdue report
        {"id": d, "assessment_due_on": None, "received_on": date(2026, 11, 26)},
        {"id": e, "assessment_due_on": date(2026, 12, 5), "received_on": date(2026, 11, 21)},   # same day as b
    ]
    ordered = sorted(rows, key=lambda r: worklists.intake_key(**r))
    assert [r["id"] for r in ordered] == [c, b, e, a, d]


def test_open_cases_go_by_the_deadline_at_risk_with_no_deadline_last():
    a, b, c, d = ids(4)
    rows = [{"id": a, "ongoing_due_on": None, "opened_on": date(2026, 1, 1)},
            {"id": b, "ongoing_due_on": date(2027, 1, 10), "opened_on": date(2026, 9, 1)},
            {"id": c, "ongoing_due_on": date(2026, 12, 1), "opened_on": date(2026, 8, 1)},
            {"id": d, "ongoing_due_on": None, "opened_on": date(2025, 5, 5)}]
    assert [r["id"] for r in sorted(rows, key=lambda r: worklists.case_key(**r))] == [c, b, d, a]


@pytest.mark.parametrize("key, types", [
    (worklists.intake_key(assessment_due_on=None, received_on=date(2026, 1, 2), id=uuid4()), (int, date, UUID)),
    (worklists.intake_key(assessment_due_on=date(2026, 1, 2), received_on=date(2026, 1, 1), id=uuid4()),
     (int, date, UUID)),
    (worklists.case_key(ongoing_due_on=None, opened_on=date(2026, 1, 2), id=uuid4()), (date, date, UUID)),
])
def test_a_cursor_carries_the_key_of_the_last_item_back_unchanged(key, types):
    assert decode_cursor(encode_cursor(*key), *types) == key


def test_no_deadline_is_the_largest_date_the_database_reads_as_infinity():
    # asyncpg writes date.max as DATE 'infinity', which the index sorts after every real date.
    assert NO_DEADLINE == date.max
    assert worklists.case_key(ongoing_due_on=None, opened_on=TODAY, id=uuid4())[0] > date(9999, 12, 30)


def test_a_page_is_cut_after_limit_and_its_cursor_is_the_last_shown():
    rows = [{"id": i, "ongoing_due_on": None, "opened_on": TODAY} for i in ids(3)]
    page = page_of(rows, 2, lambda r: worklists.case_key(**r))
    assert page.items == rows[:2]
    assert decode_cursor(page.next_cursor, date, date, UUID) == (NO_DEADLINE, TODAY, rows[1]["id"])
    assert page_of(rows, 3, lambda r: worklists.case_key(**r)).next_cursor is None


@pytest.mark.parametrize("due, overdue, at_risk", [
    (None, False, False),
    (TODAY - timedelta(days=1), True, False),
    (TODAY, False, True),
    (TODAY + timedelta(days=14), False, True),
    (TODAY + timedelta(days=15), False, False),
])
def test_a_deadline_is_passed_before_today_and_at_risk_within_14_days(due, overdue, at_risk):
    assert worklists.overdue(due, TODAY) is overdue
    assert worklists.at_risk(due, TODAY) is at_risk


@pytest.mark.parametrize("valid_from, valid_to, outcome, expected", [
    (TODAY, None, "granted", True),
    (TODAY - timedelta(days=9), TODAY, "partly_granted", True),
    (TODAY - timedelta(days=9), TODAY - timedelta(days=1), "granted", False),    # lapsed
    (TODAY + timedelta(days=1), None, "granted", False),                        # not yet
    (TODAY, None, "rejected", False),                                           # grants nothing
])
def test_a_decision_is_in_force_from_its_first_to_its_last_day(valid_from, valid_to, outcome, expected):
    assert worklists.in_force(valid_from=valid_from, valid_to=valid_to, outcome=outcome, today=TODAY) is expected


def test_a_worklist_is_of_the_asked_unit_or_the_tokens():
    assert worklists.list_unit(asked=None, own="vuxen") == "vuxen"
    assert worklists.list_unit(asked="barn", own="vuxen") == "barn"   # whether it may: Grant.ensure_unit
    with pytest.raises(DomainError) as refused:
        worklists.list_unit(asked=None, own=None)
    assert (refused.value.kind, refused.value.code) == (Kind.FORBIDDEN, "no_unit")


def test_a_caseworker_hands_over_only_their_own_and_a_supervisor_any_of_the_unit():
    responsibility.ensure_may_reassign(scope="own_identity", sub="anna", responsible="anna", what="case")
    responsibility.ensure_may_reassign(scope="own_unit", sub="chef", responsible="anna", what="case")
    with pytest.raises(DomainError) as refused:
        responsibility.ensure_may_reassign(scope="own_identity", sub="bertil", responsible="anna", what="case")
    assert (refused.value.kind, refused.value.code) == (Kind.FORBIDDEN, "not_responsible")
    with pytest.raises(DomainError) as same:
        responsibility.ensure_new_caseworker(current="anna", new="anna")
    assert (same.value.kind, same.value.code) == (Kind.CONFLICT, "already_responsible")


def _member(unit="vuxen", active_from=date(2024, 1, 1), active_to=None) -> dict:
    return {"unit": unit, "active_from": active_from, "active_to": active_to}


@pytest.mark.parametrize("member, unit_in_directory, code", [
    (_member(), True, None),
    (_member(active_to=TODAY), True, None),                       # the last day in service
    (_member(active_from=TODAY), True, None),                     # the first
    (None, False, None),                                          # no one of the unit in the directory yet
    (None, True, "unknown_caseworker"),
    (_member(unit="barn"), True, "caseworker_other_unit"),
    (_member(unit="barn"), False, "caseworker_other_unit"),
    (_member(active_to=TODAY - timedelta(days=1)), True, "caseworker_not_active"),
    (_member(active_from=TODAY + timedelta(days=1)), True, "caseworker_not_active"),
])
def test_work_is_handed_to_a_member_of_the_unit_in_service(member, unit_in_directory, code):
    def check():
        responsibility.ensure_may_be_responsible("bertil", member, unit="vuxen", unit_in_directory=unit_in_directory,
                                                 today=TODAY)
    if code is None:
        check()
        return
    with pytest.raises(DomainError) as refused:
        check()
    assert (refused.value.kind, refused.value.code) == (Kind.INVALID, code)
    assert "bertil" in refused.value.detail


@pytest.mark.parametrize("assessed_on, investigation_id, open_", [
    (None, None, True), (TODAY, None, False), (None, uuid4(), False)])
def test_an_inquiry_is_open_until_assessed_or_investigated(assessed_on, investigation_id, open_):
    assert responsibility.inquiry_is_open(assessed_on=assessed_on, investigation_id=investigation_id) is open_
    if not open_:
        with pytest.raises(DomainError) as settled:
            responsibility.ensure_inquiry_open(assessed_on=assessed_on, investigation_id=investigation_id)
        assert settled.value.code == "inquiry_settled"


def _placeholders(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\$(\d+)", text)}


@pytest.mark.parametrize("query", [
    lambda: sql.intake_query(unit="u", kind=None, after=None, limit=3),
    lambda: sql.intake_query(unit="u", kind="application", after=(1, TODAY, uuid4()), limit=3),
    lambda: sql.cases_query(unit="u", caseworker=None, after=(NO_DEADLINE, TODAY, uuid4()), limit=3),
    lambda: sql.cases_query(unit="u", caseworker="anna", after=None, limit=3),
    lambda: sql.overview_query(unit="u", today=TODAY, at_risk_until=TODAY, unsigned_before=NOW, after="anna", limit=3),
    lambda: sql.overview_query(unit="u", today=TODAY, at_risk_until=TODAY, unsigned_before=NOW, after=None, limit=3),
    lambda: sql.decisions_in_force_query(person_id=uuid4(), today=TODAY, unit=None, after=(TODAY, uuid4()), limit=3),
    lambda: sql.decisions_in_force_query(person_id=uuid4(), today=TODAY, unit="u", after=None, limit=3),
])
def test_each_query_numbers_exactly_the_arguments_it_is_given(query):
    text, args = query()
    assert _placeholders(text) == set(range(1, len(args) + 1))


def test_the_cursor_is_an_index_condition_in_the_indexs_own_order():
    text, _ = sql.cases_query(unit="u", caseworker="anna", after=(NO_DEADLINE, TODAY, uuid4()), limit=3)
    assert f"({sql.CASE_ORDER}, opened_on, id) >" in text and text.endswith(f"ORDER BY {sql.CASE_ORDER}, opened_on, id LIMIT $6")
    text, _ = sql.intake_query(unit="u", kind=None, after=(0, TODAY, uuid4()), limit=3)
    assert f"({sql.INTAKE_ORDER}, id) >" in text and f"ORDER BY {sql.INTAKE_ORDER}, id" in text
