"""The case page's timeline: oldest first, and in the order of the process within a day; an order
sent just after midnight in Sweden is on the Swedish day."""
from datetime import date

from services.web import timeline

CASE = {"opened_on": "2026-03-02", "closed_on": None}


def test_the_timeline_is_oldest_first_and_in_the_order_of_the_process_within_a_day():
    investigation = {"started_on": "2026-03-02", "completed_on": "2026-03-09"}
    decision = {"decided_on": "2026-03-09"}
    note = {"occurred_on": "2026-03-03", "created_at": "2026-03-03T14:20:00Z"}
    early_note = {"occurred_on": "2026-03-03", "created_at": "2026-03-03T07:00:00Z"}
    order = {"sent_at": "2026-03-09T23:30:00Z", "wanted_start": "2026-03-16"}  # 00.30 on the 10th in Sweden
    draft = {"sent_at": None, "wanted_start": "2026-03-20"}
    entries = timeline.build({**CASE, "closed_on": "2026-04-01"}, [investigation], [decision], [note, early_note],
                             [draft, order])
    assert [(e.kind, e.on) for e in entries] == [
        ("case_opened", date(2026, 3, 2)),
        ("investigation_started", date(2026, 3, 2)),
        ("note", date(2026, 3, 3)),
        ("note", date(2026, 3, 3)),
        ("investigation_completed", date(2026, 3, 9)),
        ("decision", date(2026, 3, 9)),
        ("order", date(2026, 3, 10)),
        ("order", date(2026, 3, 20)),
        ("case_closed", date(2026, 4, 1)),
    ]
    assert entries[2].item is early_note and entries[3].item is note


def test_an_open_case_without_anything_else_is_one_entry():
    assert [e.kind for e in timeline.build(CASE, [], [], [], [])] == ["case_opened"]


def test_the_inquiries_that_led_to_the_case_come_before_its_opening_on_the_same_day():
    report = {"received_on": "2026-02-20", "assessed_on": "2026-03-02"}
    application = {"received_on": "2026-03-02", "assessed_on": None}
    investigation = {"started_on": "2026-03-02", "completed_on": None}
    entries = timeline.build(CASE, [investigation], [], [], [], inquiries=[application, report])
    assert [(e.kind, e.on) for e in entries] == [
        ("inquiry", date(2026, 2, 20)),
        ("inquiry", date(2026, 3, 2)),
        ("inquiry_assessed", date(2026, 3, 2)),
        ("case_opened", date(2026, 3, 2)),
        ("investigation_started", date(2026, 3, 2)),
    ]
    assert entries[0].item is report and entries[1].item is application
