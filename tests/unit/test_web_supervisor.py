"""The supervisor's screens' pure parts: the quarter of the IVO report offered by the web's clock,
the form that hands a case over, the start page's links that page one list and keep the others, and
the Swedish words for the report's and the registry's codes."""
from datetime import date

from services.registry.domain.decisions import DelayReason
from services.watch.domain.reports import Quarter, Status
from services.web import quarters, texts
from services.web.forms import FORM, ReassignmentForm
from services.web.pages.common import query_with


def test_the_quarter_of_a_day_is_the_watchs_quarter():
    for day, expected in ((date(2026, 1, 1), "2026-Q1"), (date(2026, 3, 31), "2026-Q1"), (date(2026, 4, 1), "2026-Q2"),
                          (date(2026, 12, 24), "2026-Q4"), (date(2027, 9, 30), "2027-Q3")):
        assert quarters.of(day) == expected
        assert Quarter.parse(expected).start <= day <= Quarter.parse(expected).end


def test_the_quarters_offered_are_this_one_and_those_before_it():
    assert quarters.recent(date(2026, 2, 14), 4) == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    assert len(quarters.recent(date(2026, 12, 31))) == 8


def test_a_quarter_in_swedish():
    assert quarters.swedish("2026-Q3") == "kvartal 3 2026 (juli–september)"
    assert quarters.swedish("2026-Q1") == "kvartal 1 2026 (januari–mars)"
    assert quarters.swedish("2026-Q5") == "2026-Q5"


def test_every_status_and_delay_reason_of_the_report_has_swedish_words():
    assert set(texts.REPORT_STATUSES) == {s.value for s in Status}
    assert set(texts.DELAY_REASONS) == {r.value for r in DelayReason}


def test_paging_one_list_keeps_the_others_positions():
    paged = {"watches": "w1", "intake": None, "cases": "c2", "staff": None, "unit": None}
    assert query_with(paged, "intake", "i1") == "/?watches=w1&cases=c2&intake=i1"
    assert query_with(paged, "cases", None) == "/?watches=w1"
    assert query_with({"intake": "i1"}, "intake", None) == "/"
    assert query_with({"intake": None, "cases": "a+b/c="}, "intake", "x") == "/?cases=a%2Bb%2Fc%3D&intake=x"


def test_a_reassignment_as_posted():
    form = ReassignmentForm.posted({"caseworker": " bertil ", "reason": "  ", "etag": '"7"'})
    assert form.request() == {"caseworker": "bertil", "reason": ""}  # blanks only: no reason
    assert form.etag == '"7"'
    assert ReassignmentForm.posted({"etag": "*"}).etag == ""  # would match any version: not sent on


def test_the_registrys_refusals_of_a_reassignment_in_swedish():
    form = ReassignmentForm()
    missing = form.problems("validation_error", {"errors": [{"loc": ["body", "reason"]}]})
    assert missing == {"reason": texts.REASSIGNMENT_FIELD_INVALID["reason"]}
    assert "caseworker" in form.problems("already_responsible", {})
    assert "har ändrats" in form.problems("etag_mismatch", {})[FORM]
    assert form.problems("not_responsible", {})[FORM].startswith("Du får bara byta handläggare")
