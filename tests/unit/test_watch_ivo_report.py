"""The report to IVO without a database: interruptions, the council's numbers by gender, the CSV,
and the timers of deadlines the law sets (protection assessment, extensions)."""
import csv
import io
import uuid
from datetime import date

from services.watch.domain import reports
from services.watch.domain.calendar import morning_of
from services.watch.domain.reports import Quarter, Status
from services.watch.domain.rules import Subject, Track, configure
from services.watch.domain.watches import decision_timers, extended_timers, inquiry_timers, investigation_timers

Q2 = Quarter.parse("2025-Q2")   # 1 April to 30 June 2025


def decision(decided_on: date, *, executed_on: date | None = None, interrupted_on: date | None = None,
             resumed_on: date | None = None, closed_on: date | None = None, law: str = "SoL",
             gender: str | None = "female", delay_reasons=()) -> dict:
    return {"decision_id": uuid.uuid4(), "case_id": uuid.uuid4(), "intervention": "home_help", "law": law,
            "ivo_category": "Hemtjänst", "gender": gender, "birth_year": 1938, "decided_by": "anna",
            "decided_on": decided_on, "executed_on": executed_on, "interrupted_on": interrupted_on,
            "resumed_on": resumed_on, "closed_on": closed_on, "delay_reasons": list(delay_reasons)}


def test_an_interruption_not_resumed_within_three_months_enters_the_report():
    line = reports.line_in(Q2, decision(date(2024, 10, 1), executed_on=date(2024, 10, 20),
                                        interrupted_on=date(2025, 2, 10)))
    assert (line.status, line.interrupted_on, line.deadline, line.days_waited) == (
        Status.INTERRUPTED, date(2025, 2, 10), date(2025, 5, 10), (date(2025, 6, 30) - date(2025, 2, 10)).days)


def test_an_interruption_younger_than_three_months_or_resumed_in_time_is_not_reported():
    young = decision(date(2024, 10, 1), executed_on=date(2024, 10, 20), interrupted_on=date(2025, 4, 1))
    assert reports.line_in(Q2, young) is None
    resumed = decision(date(2024, 10, 1), executed_on=date(2024, 10, 20), interrupted_on=date(2025, 2, 10),
                       resumed_on=date(2025, 5, 1))
    assert reports.line_in(Q2, resumed) is None


def test_an_interruption_resumed_late_in_the_quarter_is_reported_as_such_once():
    row = decision(date(2024, 10, 1), executed_on=date(2024, 10, 20), interrupted_on=date(2025, 1, 5),
                   resumed_on=date(2025, 5, 20))
    line = reports.line_in(Q2, row)
    assert (line.status, line.resumed_on) == (Status.RESUMED_LATE, date(2025, 5, 20))
    assert reports.line_in(Quarter.parse("2025-Q3"), row) is None


def test_a_decision_carried_out_in_time_is_not_in_the_report():
    assert reports.line_in(Q2, decision(date(2025, 1, 10), executed_on=date(2025, 2, 1))) is None


def test_the_council_summary_counts_by_law_gender_and_status():
    rows = [decision(date(2025, 1, 5)), decision(date(2025, 1, 6)), decision(date(2025, 1, 7), gender="male"),
            decision(date(2025, 1, 8), law="LSS", gender="male"), decision(date(2025, 1, 9), gender=None),
            decision(date(2025, 1, 10), executed_on=date(2025, 5, 1)),
            decision(date(2025, 3, 30))]   # not three months old at the quarter's end: not counted
    summary = [(r.law, r.gender, r.status, r.count) for r in reports.council_summary(Q2, rows)]
    assert summary == [("LSS", "male", Status.NOT_EXECUTED, 1),
                       ("SoL", "female", Status.NOT_EXECUTED, 2), ("SoL", "female", Status.EXECUTED_LATE, 1),
                       ("SoL", "male", Status.NOT_EXECUTED, 1), ("SoL", "unknown", Status.NOT_EXECUTED, 1)]


def test_a_csv_row_holds_every_field_ivo_asks_for():
    row = decision(date(2025, 1, 10), delay_reasons=[{"code": "no_place_available", "declined_offer_on": None},
                                                     {"code": "declined_offer", "declined_offer_on": "2025-03-01"}])
    line = reports.line_in(Q2, row)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(reports.CSV_COLUMNS)
    writer.writerow(reports.csv_row(line))
    header, values = list(csv.reader(io.StringIO(text.getvalue()), delimiter=";"))
    record = dict(zip(header, values, strict=True))
    assert record["lag"] == "SoL" and record["ivo_kategori"] == "Hemtjänst" and record["kon"] == "kvinna"
    assert record["fodelsear"] == "1938" and record["beslutsdatum"] == "2025-01-10"
    assert record["status"] == "not_executed" and record["dagar"] == str((date(2025, 6, 30) - date(2025, 1, 10)).days)
    assert record["skal_till_drojsmal"] == "no_place_available;declined_offer"
    assert record["erbjudande_avbojt_datum"] == "2025-03-01"


def test_a_report_about_a_child_arms_the_protection_assessment_the_same_day():
    rules = configure()
    received = date(2026, 12, 24)
    timers = {t.rule: t for t in inquiry_timers(rules, received, date(2026, 12, 28), protection_due_on=received)}
    assert timers["protection_assessment"].due_on == received
    assert timers["protection_assessment"].fire_at == morning_of(received)
    assert timers["assessment"].due_on == date(2026, 12, 28)
    without = {t.rule for t in inquiry_timers(rules, received, date(2026, 12, 28))}
    assert "protection_assessment" not in without


def test_an_adult_investigation_arms_nothing_and_an_extension_moves_the_childs():
    rules = configure()
    assert investigation_timers(rules, date(2026, 1, 15), None) == []
    child = investigation_timers(rules, date(2026, 1, 15), date(2026, 5, 15))
    assert [(t.rule, t.due_on) for t in child] == [("investigation", date(2026, 5, 15))]
    moved = extended_timers(rules, Subject.INVESTIGATION, Track.INVESTIGATION, anchor=date(2026, 1, 15),
                            due_on=date(2026, 7, 15))
    lead = child[0].due_on - child[0].fire_at.date()
    assert [(t.rule, t.due_on) for t in moved] == [("investigation", date(2026, 7, 15))]
    assert moved[0].fire_at == morning_of(date(2026, 7, 15) - lead)


def test_a_childs_placement_is_reviewed_every_six_months_while_it_lasts():
    rules = configure()
    placed = decision_timers(rules, outcome="granted", decided_on=date(2026, 1, 31), follow_up_on=None,
                             valid_to=None, placement_of_child_from=date(2026, 1, 31))
    reviews = [t.due_on for t in placed if t.rule == "placement_review"]
    assert reviews == [date(2026, 7, 31), date(2027, 1, 31), date(2027, 7, 31), date(2028, 1, 31),
                       date(2028, 7, 31), date(2029, 1, 31)]
    assert all(t.fire_at == morning_of(date.fromordinal(t.due_on.toordinal() - 14))
               for t in placed if t.rule == "placement_review")
    lapsing = decision_timers(rules, outcome="granted", decided_on=date(2026, 1, 31), follow_up_on=None,
                              valid_to=date(2027, 3, 1), placement_of_child_from=date(2026, 1, 31))
    assert [t.due_on for t in lapsing if t.rule == "placement_review"] == [date(2026, 7, 31), date(2027, 1, 31)]
    adult = decision_timers(rules, outcome="granted", decided_on=date(2026, 1, 31), follow_up_on=None, valid_to=None)
    assert not [t for t in adult if t.rule == "placement_review"]
