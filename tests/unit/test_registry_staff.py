"""The staff directory's entries and covers during absence, without a database."""
from datetime import date

import pytest

from services.registry.domain import staff as rules
from services.registry.domain.staff import Level, StaffEntry
from shared.errors import DomainError

TODAY = date(2026, 3, 10)


def entry(**change) -> StaffEntry:
    fields = {"name": " Anna Berg ", "title": "Socialsekreterare", "unit": "vuxen",
              "email": "Anna.Berg@Kommun.example.se", "supervisor": "greta", "delegation_level": "caseworker",
              "active_from": date(2026, 1, 1), "active_to": None, **change}
    return StaffEntry(**fields)


def code_of(call, *args, **kwargs) -> str | None:
    try:
        call(*args, **kwargs)
    except DomainError as problem:
        return problem.code
    return None


def test_an_entry_is_stored_trimmed_with_its_address_parsed():
    checked = rules.check_entry("anna", entry(), supervisor_known=True)
    assert checked.name == "Anna Berg" and checked.delegation_level is Level.CASEWORKER
    assert checked.email == "Anna.Berg@kommun.example.se"
    assert rules.check_entry("anna", entry(supervisor=None, email=None), supervisor_known=False).email is None


@pytest.mark.parametrize("change,known,code", [
    ({"supervisor": "anna"}, True, "own_supervisor"),
    ({"supervisor": "nobody"}, False, "unknown_supervisor"),
    ({"active_to": date(2025, 12, 31)}, True, "active_reversed"),
    ({"email": "not-an-address"}, True, "invalid_email"),
    ({"email": "anna;root@kommun.example.se"}, True, "invalid_email"),
    ({"email": "<root>anna@kommun.example.se"}, True, "invalid_email"),
])
def test_an_entry_that_cannot_be_is_refused(change, known, code):
    assert code_of(rules.check_entry, "anna", entry(**change), supervisor_known=known) == code


def test_an_unchanged_entry_is_recognised_so_that_no_event_is_sent():
    checked = rules.check_entry("anna", entry(), supervisor_known=True)
    row = {f: getattr(checked, f) for f in StaffEntry.FIELDS}
    assert checked.same_as(row)
    assert not checked.same_as({**row, "title": "Enhetschef"})
    assert not checked.same_as(None)


def test_levels_are_ordered():
    assert Level.COMMITTEE.meets(Level.SUPERVISOR) and Level.SUPERVISOR.meets(Level.SUPERVISOR)
    assert not Level.CASEWORKER.meets(Level.SUPERVISOR) and not Level.SUPERVISOR.meets(Level.COMMITTEE)


ANNA = {"unit": "vuxen"}
BERTIL = {"unit": "vuxen"}


def cover(**change):
    args = {"absent": "anna", "cover": "bertil", "absent_row": ANNA, "cover_row": BERTIL,
            "from_date": TODAY, "to_date": date(2026, 3, 20), "today": TODAY, **change}
    return code_of(rules.check_cover, **args)


def test_a_cover_within_the_unit_for_a_period_not_over_is_granted():
    assert cover() is None
    assert rules.check_cover(absent="anna", cover="bertil", absent_row=ANNA, cover_row=BERTIL,
                             from_date=date(2026, 3, 1), to_date=TODAY, today=TODAY) == "vuxen"


@pytest.mark.parametrize("change,code", [
    ({"cover": "anna"}, "cover_is_absent"),
    ({"absent_row": None}, "unknown_staff"),
    ({"cover_row": None}, "unknown_staff"),
    ({"cover_row": {"unit": "barn"}}, "cover_other_unit"),
    ({"from_date": date(2026, 3, 21)}, "cover_period_reversed"),
    ({"from_date": date(2026, 3, 1), "to_date": date(2026, 3, 9)}, "cover_period_over"),
])
def test_a_cover_that_cannot_be_is_refused(change, code):
    assert cover(**change) == code


def test_a_cover_is_ended_once_and_not_after_it_is_over():
    assert code_of(rules.check_end, ended_on=None, to_date=TODAY, today=TODAY) is None
    assert code_of(rules.check_end, ended_on=TODAY, to_date=date(2026, 4, 1), today=TODAY) == "cover_ended"
    assert code_of(rules.check_end, ended_on=None, to_date=date(2026, 3, 9), today=TODAY) == "cover_over"
