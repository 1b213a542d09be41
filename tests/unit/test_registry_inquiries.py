"""Intake and the initial assessment, without a database."""
from datetime import date

from services.registry.domain import inquiries as rules
from services.registry.domain.inquiries import InquiryKind
from tests.unit.test_registry_process import code_of

RECEIVED = date(2025, 5, 2)
CHILD = date(2015, 1, 1)
ADULT = date(1980, 1, 1)


def test_only_a_report_about_a_child_gets_an_assessment_due_in_14_days():
    assert rules.assessment_due_on(InquiryKind.REPORT_OF_CONCERN, CHILD, RECEIVED) == date(2025, 5, 16)
    assert rules.assessment_due_on(InquiryKind.REPORT_OF_CONCERN, ADULT, RECEIVED) is None
    assert rules.assessment_due_on(InquiryKind.APPLICATION, CHILD, RECEIVED) is None


def test_assessment_rules():
    kw = dict(received_on=RECEIVED, today=date(2025, 5, 10))
    due = date(2025, 5, 16)
    assert code_of(rules.ensure_can_assess, due_on=None, assessed=False, assessed_on=RECEIVED, **kw) == "no_assessment_needed"
    assert code_of(rules.ensure_can_assess, due_on=due, assessed=True, assessed_on=RECEIVED, **kw) == "already_assessed"
    assert code_of(rules.ensure_can_assess, due_on=due, assessed=False, assessed_on=date(2025, 5, 1),
                   **kw) == "assessed_on_out_of_range"
    assert code_of(rules.ensure_can_assess, due_on=due, assessed=False, assessed_on=date(2025, 5, 11),
                   **kw) == "assessed_on_out_of_range"
    assert code_of(rules.ensure_can_assess, due_on=due, assessed=False, assessed_on=date(2025, 5, 9), **kw) is None


def test_overdue():
    due = date(2025, 5, 16)
    assert not rules.is_overdue(due, None, date(2025, 5, 16))
    assert rules.is_overdue(due, None, date(2025, 5, 17))
    assert not rules.is_overdue(due, date(2025, 5, 15), date(2025, 6, 1))
    assert rules.is_overdue(due, date(2025, 5, 20), date(2025, 6, 1))
    assert not rules.is_overdue(None, None, date(2030, 1, 1))


def test_investigation_follows_the_assessment():
    assert code_of(rules.ensure_may_investigate, due_on=RECEIVED, outcome=None, investigation_id=None) == "assessment_missing"
    assert code_of(rules.ensure_may_investigate, due_on=RECEIVED, outcome="no_investigation",
                   investigation_id=None) == "assessed_no_investigation"
    assert code_of(rules.ensure_may_investigate, due_on=RECEIVED, outcome="open_investigation",
                   investigation_id=None) is None
    assert code_of(rules.ensure_may_investigate, due_on=None, outcome=None, investigation_id=None) is None
    assert code_of(rules.ensure_may_investigate, due_on=None, outcome=None,
                   investigation_id="x") == "investigation_already_opened"
