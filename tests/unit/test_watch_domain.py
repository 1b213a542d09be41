"""The watch's rules without a database: business days, rules, firing, dedup, ranking, reports, access."""
import random
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.watch.domain import access, reports, rules, watches
from services.watch.domain.calendar import (STOCKHOLM, Delay, add_business_days, add_months, is_business_day,
                                            local_date)
from services.watch.domain.reports import Quarter, Status, status_in
from services.watch.domain.rules import Kind, Subject, Track, configure
from services.watch.domain.watches import WatchedThing, collapse, fire, urgency_key
from shared.access.policy import Grant, grant_for, policy
from shared.auth import Principal
from shared.errors import DomainError
from shared.problems import status_of

RULES = configure()


def code_of(call) -> tuple[int, str]:
    with pytest.raises(DomainError) as raised:
        call()
    return status_of(raised.value), raised.value.code


def at(text: str) -> datetime:
    """A Swedish local time, e.g. '2025-04-17 10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


# --- business days ---------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-06",
                                 "2025-06-20", "2025-12-24", "2025-12-25", "2025-12-26", "2025-12-31",
                                 "2026-01-01", "2026-01-06"])
def test_swedish_holidays_and_the_eves_are_not_business_days(day):
    assert not is_business_day(date.fromisoformat(day))


def test_weekends_are_not_business_days_and_ordinary_weekdays_are():
    assert not is_business_day(date(2025, 4, 12)) and not is_business_day(date(2025, 4, 13))
    assert all(is_business_day(date(2025, 4, d)) for d in (7, 8, 9, 10, 11))


def test_two_business_days_after_maundy_thursday_is_the_wednesday_after_easter():
    # Good Friday, the weekend and Easter Monday do not count.
    assert add_business_days(date(2025, 4, 17), 2) == date(2025, 4, 23)
    assert add_business_days(date(2025, 4, 10), 2) == date(2025, 4, 14)


def test_business_days_over_christmas_and_new_year():
    assert add_business_days(date(2025, 12, 23), 1) == date(2025, 12, 29)
    assert add_business_days(date(2025, 12, 30), 1) == date(2026, 1, 2)
    assert add_business_days(date(2025, 12, 30), -1) == date(2025, 12, 29)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(1, 30))
def test_n_business_days_later_is_a_business_day_with_n_business_days_in_between(day, n):
    later = add_business_days(day, n)
    assert is_business_day(later)
    counted = sum(is_business_day(day + timedelta(days=i)) for i in range(1, (later - day).days + 1))
    assert counted == n


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2025, 5, 15), -3) == date(2025, 2, 15)


@pytest.mark.parametrize("text, delay", [("2bd", Delay(business_days=2)), ("10d", Delay(days=10)),
                                         ("3m15d", Delay(months=3, days=15)), ("-14d", Delay(days=-14)),
                                         ("0d", Delay())])
def test_delays_are_written_short_and_read_back(text, delay):
    assert Delay.parse(text) == delay
    assert str(delay) == text


@pytest.mark.parametrize("text", ["", "2", "bd", "2w", "1d2m", "--1d", "2 bd"])
def test_a_bad_delay_is_refused(text):
    with pytest.raises(ValueError):
        Delay.parse(text)


def test_a_moment_keeps_its_local_time_of_day_across_daylight_saving():
    sent = at("2025-03-27 09:30")                  # Thursday, winter time
    due = Delay.parse("2bd").from_moment(sent)     # Monday, summer time
    assert due.astimezone(STOCKHOLM).replace(tzinfo=None) == datetime(2025, 3, 31, 9, 30)
    assert due.utcoffset() == timedelta(hours=2)


# --- the rules -------------------------------------------------------------------------------------

def test_the_default_rules_say_what_the_law_and_design_say():
    assert str(RULES["order_reminder"].fire_after) == "2bd" and RULES["order_reminder"].remind_provider
    assert str(RULES["order_escalation"].fire_after) == "5bd" and RULES["order_escalation"].escalation
    assert (str(RULES["assessment"].fire_after), str(RULES["assessment"].due_after)) == ("10d", "14d")
    assert (str(RULES["investigation"].fire_after), str(RULES["investigation"].due_after)) == ("3m15d", "4m")
    assert str(RULES["unexecuted_decision"].fire_after) == "3m"
    assert str(RULES["follow_up_notice"].fire_after) == "-14d"
    assert RULES["order_escalation"].who is rules.Who.SUPERVISOR


def test_rules_are_configurable_and_mistakes_are_refused():
    changed = configure({"order_reminder": "3bd", "assessment": {"fire_after": "7d"},
                         "decision_lapsing": {"enabled": False}})
    assert str(changed["order_reminder"].fire_after) == str(changed["order_reminder"].due_after) == "3bd"
    assert (str(changed["assessment"].fire_after), str(changed["assessment"].due_after)) == ("7d", "14d")
    assert not changed["decision_lapsing"].enabled
    assert str(RULES["order_reminder"].fire_after) == "2bd"   # the defaults are untouched
    with pytest.raises(ValueError):
        configure({"no_such_rule": "2bd"})
    with pytest.raises(ValueError):
        configure({"order_reminder": {"after": "2bd"}})
    with pytest.raises(ValueError):
        configure({"order_reminder": "two days"})


def test_confirmation_settles_both_order_kinds():
    assert rules.kinds_of(RULES, Track.CONFIRMATION) == [Kind.ORDER_ESCALATED, Kind.ORDER_UNCONFIRMED]


# --- timers ----------------------------------------------------------------------------------------

def test_an_order_sent_on_maundy_thursday_is_reminded_on_wednesday_and_escalated_the_monday_after():
    timers = {t.rule: t for t in watches.order_timers(RULES, at("2025-04-17 10:00").astimezone(timezone.utc))}
    assert timers["order_reminder"].fire_at == at("2025-04-23 10:00")
    assert timers["order_reminder"].due_on == date(2025, 4, 23)
    assert timers["order_escalation"].fire_at == at("2025-04-28 10:00")


def test_date_anchored_timers_fire_in_the_morning():
    (assessment,) = watches.inquiry_timers(RULES, date(2025, 3, 3))
    assert assessment.fire_at == at("2025-03-13 06:00") and assessment.due_on == date(2025, 3, 17)
    (investigation,) = watches.investigation_timers(RULES, date(2025, 1, 15), date(2025, 5, 15))
    assert investigation.fire_at == at("2025-04-30 06:00") and investigation.due_on == date(2025, 5, 15)


def test_a_granted_decision_arms_execution_follow_up_and_lapse_timers_and_a_rejection_none():
    timers = {t.rule: t for t in watches.decision_timers(
        RULES, outcome="granted", decided_on=date(2025, 2, 10), follow_up_on=date(2025, 8, 1),
        valid_to=date(2025, 12, 31))}
    assert timers["unexecuted_decision"].fire_at == at("2025-05-10 06:00")
    assert timers["follow_up_notice"].fire_at == at("2025-07-18 06:00")
    assert timers["follow_up_notice"].due_on == timers["follow_up"].due_on == date(2025, 8, 1)
    assert timers["decision_lapsing"].due_on == date(2025, 12, 31)
    assert watches.decision_timers(RULES, outcome="rejected", decided_on=date(2025, 2, 10),
                                   follow_up_on=date(2025, 8, 1), valid_to=None) == []
    untimed = watches.decision_timers(RULES, outcome="granted", decided_on=date(2025, 2, 10),
                                      follow_up_on=None, valid_to=None)
    assert [t.rule for t in untimed] == ["unexecuted_decision"]


# --- firing, dedup ---------------------------------------------------------------------------------

NOW = datetime(2025, 4, 23, 8, tzinfo=timezone.utc)


def thing(**changes) -> WatchedThing:
    fields = dict(id=uuid.uuid4(), subject=Subject.ORDER, case_id=uuid.uuid4(), caseworker="anna", unit="vuxen")
    return WatchedThing(**{**fields, **changes})


def test_a_settled_or_closed_subject_raises_nothing():
    order = thing()
    assert fire(RULES["order_reminder"], order, due_on=NOW.date(), now=NOW).assignee == "anna"
    assert fire(RULES["order_reminder"], thing(settled=frozenset({"confirmation"})), due_on=NOW.date(), now=NOW) is None
    assert fire(RULES["order_reminder"], thing(case_closed=True), due_on=NOW.date(), now=NOW) is None
    assert fire(RULES["order_reminder"], None, due_on=NOW.date(), now=NOW) is None
    assert fire(None, order, due_on=NOW.date(), now=NOW) is None


def test_escalation_goes_to_the_units_supervisors():
    escalated = fire(RULES["order_escalation"], thing(), due_on=NOW.date(), now=NOW)
    assert escalated.assignee is None and escalated.escalated_to == "supervisor"


def test_firings_of_one_subject_and_kind_fold_into_one():
    decision = thing(subject=Subject.DECISION)
    notice = fire(RULES["follow_up_notice"], decision, due_on=date(2025, 8, 1), now=NOW)
    on_the_day = fire(RULES["follow_up"], decision, due_on=date(2025, 8, 1), now=NOW)
    other = fire(RULES["unexecuted_decision"], decision, due_on=date(2025, 5, 10), now=NOW)
    folded = collapse([notice, other, on_the_day])
    assert len(folded) == 2
    assert {t.rule.kind: t.count for t in folded} == {Kind.FOLLOW_UP: 2, Kind.DECISION_UNEXECUTED: 1}


# --- ranking ---------------------------------------------------------------------------------------

def test_overdue_first_then_by_due_date_then_by_kind():
    today = date(2025, 5, 1)
    raised = datetime(2025, 4, 1, tzinfo=timezone.utc)
    items = [
        ("follow_up", date(2025, 5, 2)),
        ("order_unconfirmed", date(2025, 5, 2)),
        ("investigation_due", date(2025, 4, 20)),
        ("order_escalated", date(2025, 5, 2)),
        ("assessment_due", date(2025, 5, 1)),
    ]
    ranked = sorted(items, key=lambda i: urgency_key(due_on=i[1], kind=i[0], raised_at=raised, today=today))
    assert ranked == [("investigation_due", date(2025, 4, 20)), ("assessment_due", date(2025, 5, 1)),
                      ("order_escalated", date(2025, 5, 2)), ("order_unconfirmed", date(2025, 5, 2)),
                      ("follow_up", date(2025, 5, 2))]


def test_every_kind_has_a_rank():
    assert set(rules.KIND_ORDER) == set(Kind)
    assert {r.kind for r in RULES.values()} == set(Kind)


# --- the report of decisions not carried out -------------------------------------------------------

def test_quarters_parse_and_bad_ones_are_a_422():
    q = Quarter.parse("2025-Q2")
    assert (q.start, q.end, str(q)) == (date(2025, 4, 1), date(2025, 6, 30), "2025-Q2")
    assert Quarter.parse("2024-Q4").end == date(2024, 12, 31)
    for bad in ("2025-Q5", "2025Q1", "25-Q1", "2025-q1", "", "1999-Q1"):
        assert code_of(lambda: Quarter.parse(bad)) == (422, "invalid_quarter")


Q2 = Quarter.parse("2025-Q2")


@pytest.mark.parametrize("decided, executed, closed, expected", [
    ("2025-01-10", None, None, Status.NOT_EXECUTED),
    ("2025-03-31", None, None, None),                          # three months end on 30 June: not yet late
    ("2025-03-29", None, None, Status.NOT_EXECUTED),
    ("2025-01-10", "2025-04-05", None, None),                  # within three months
    ("2025-01-10", "2025-05-05", None, Status.EXECUTED_LATE),
    ("2024-11-10", "2025-03-05", None, None),                  # late, but reported last quarter
    ("2025-01-10", "2025-07-05", None, Status.NOT_EXECUTED),   # carried out only after the quarter
    ("2025-01-10", None, "2025-05-20", Status.ENDED_UNEXECUTED),
    ("2024-10-10", None, "2025-03-20", None),
])
def test_how_a_decision_appears_in_the_quarters_report(decided, executed, closed, expected):
    def d(text):
        return date.fromisoformat(text) if text else None
    assert status_in(Q2, decided_on=d(decided), executed_on=d(executed), closed_on=d(closed)) == expected


def test_only_decisions_older_than_the_deadline_can_be_in_the_report():
    assert reports.oldest_decided_on(Q2) == date(2025, 3, 30)
    assert status_in(Q2, decided_on=date(2025, 3, 31), executed_on=None, closed_on=None) is None


# --- who sees what ---------------------------------------------------------------------------------

def user(role: str, sub: str = "anna", unit: str | None = "vuxen", action: str = "watch.read") -> Grant:
    return grant_for(Principal(sub=sub, roles=[role], unit=unit), f"watch:{action}")


def test_a_caseworker_sees_only_their_own_list():
    assert access.list_scope(user("caseworker"), assignee=None, unit=None) == access.Scope("anna", None)
    assert access.list_scope(user("caseworker"), assignee="anna", unit=None) == access.Scope("anna", None)
    assert code_of(lambda: access.list_scope(user("caseworker"), assignee="bo", unit=None))[0] == 403
    assert code_of(lambda: access.list_scope(user("caseworker"), assignee=None, unit="vuxen"))[0] == 403


def test_a_supervisor_sees_a_caseworkers_or_the_units_list_in_their_own_unit():
    boss = user("supervisor", sub="greta")
    assert access.list_scope(boss, assignee=None, unit=None) == access.Scope("greta", "vuxen", True)
    assert access.list_scope(boss, assignee="anna", unit=None) == access.Scope("anna", "vuxen")
    assert access.list_scope(boss, assignee=None, unit="vuxen") == access.Scope(None, "vuxen")
    assert code_of(lambda: access.list_scope(boss, assignee=None, unit="barn")) == (403, "other_unit")
    assert code_of(lambda: access.list_scope(user("supervisor", unit=None), assignee="bo", unit=None)) == (403, "no_unit")


def test_the_assignee_or_a_supervisor_of_the_unit_resolves():
    access.ensure_may_resolve(user("caseworker", action="watch.resolve"), assignee="anna", unit="vuxen")
    access.ensure_may_resolve(user("supervisor", sub="greta"), assignee=None, unit="vuxen")
    assert code_of(lambda: access.ensure_may_resolve(user("caseworker", sub="bo"), assignee="anna",
                                                     unit="vuxen"))[0] == 403
    assert code_of(lambda: access.ensure_may_resolve(user("supervisor", unit="barn"), assignee=None,
                                                     unit="vuxen"))[0] == 403
    assert code_of(lambda: access.ensure_may_resolve(user("caseworker"), assignee=None, unit="vuxen"))[0] == 403


def test_only_a_supervisor_reads_the_report_and_only_for_their_unit():
    assert access.report_unit(user("supervisor"), None) == "vuxen"
    assert code_of(lambda: access.report_unit(user("supervisor"), "barn"))[0] == 403
    assert policy().roles_for("watch:report.read") == ("supervisor",)


@given(st.lists(st.tuples(st.sampled_from(list(Kind)), st.integers(-20, 20)), min_size=1, max_size=40))
def test_ranking_is_a_total_order_that_puts_every_overdue_watch_first(items):
    today = date(2025, 5, 1)
    rows = [(k, today + timedelta(days=d), datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i))
            for i, (k, d) in enumerate(items)]
    random.shuffle(rows)
    ranked = sorted(rows, key=lambda r: urgency_key(due_on=r[1], kind=r[0], raised_at=r[2], today=today))
    overdue = [r[1] < today for r in ranked]
    assert overdue == sorted(overdue, reverse=True)
    assert [r[1] for r in ranked] == sorted(r[1] for r in ranked)
    assert local_date(datetime(2025, 5, 1, 23, tzinfo=timezone.utc)) == date(2025, 5, 2)


def test_support_sees_and_resolves_the_watches_raised_for_its_role_only():
    support = user("support", sub="stina", unit=None)
    assert access.list_scope(support, assignee=None, unit=None) == access.Scope("stina", None, roles=("support",))
    assert access.list_scope(user("caseworker"), assignee=None, unit=None).roles == ()
    access.ensure_may_resolve(user("support", sub="stina", unit=None, action="watch.resolve"), assignee=None,
                              unit="", role="support")
    assert code_of(lambda: access.ensure_may_resolve(user("support", sub="stina", unit=None), assignee="anna",
                                                     unit="vuxen"))[0] == 403
    assert code_of(lambda: access.ensure_may_resolve(user("supervisor", sub="greta"), assignee=None, unit="",
                                                     role="support"))[0] == 403


# --- a culling's confirmations ------------------------------------------------------------------------

def test_a_culling_is_complete_when_journal_orders_watch_and_notify_have_confirmed_in_any_order():
    from services.watch.domain import cullings
    facts = cullings.with_confirmation({}, "notify")
    assert (facts["confirmed"], facts["missing"]) == (["notify"], ["journal", "orders", "watch"])
    facts = cullings.approved(facts, rule_id="personal_file", approved_at=at("2026-12-24 00:01"))
    assert facts["missing"] == ["journal", "orders", "watch"] and facts["rule_id"] == "personal_file"
    for service in ("watch", "journal", "journal"):
        facts = cullings.with_confirmation(facts, service)
    assert (facts["confirmed"], facts["missing"]) == (["journal", "watch", "notify"], ["orders"])
    assert not cullings.complete(facts)
    assert cullings.complete(cullings.with_confirmation(facts, "orders"))


def test_an_unconfirmed_culling_fires_a_day_after_its_approval_for_support_unless_settled():
    rule = RULES["culling_unconfirmed"]
    approved_at = at("2026-12-24 00:01")
    armed = watches.timer(rule, approved_at)
    assert armed.fire_at == at("2026-12-25 00:01")
    thing = WatchedThing(id=uuid.uuid4(), subject=Subject.CULLING, case_id=None, caseworker=None, unit="",
                         facts={"missing": ["notify"]})
    trigger = fire(rule, thing, due_on=armed.due_on, now=armed.fire_at)
    assert (trigger.assignee, trigger.role, trigger.escalated_to) == (None, "support", None)
    settled = WatchedThing(id=thing.id, subject=Subject.CULLING, case_id=None, caseworker=None, unit="",
                           settled=frozenset({str(Track.CULLING)}))
    assert fire(rule, settled, due_on=armed.due_on, now=armed.fire_at) is None
    assert configure({"culling_unconfirmed": "2d"})["culling_unconfirmed"].fire_after == Delay(days=2)


def test_persons_due_for_culling_raise_a_watch_for_the_official_named_and_the_object_specialists():
    rule = RULES["culling_due"]
    named = WatchedThing(id=uuid.uuid4(), subject=Subject.RETENTION, case_id=None, caseworker="systemforvaltare",
                         unit="", facts={"due": 2})
    trigger = fire(rule, named, due_on=date(2031, 11, 21), now=at("2031-11-21 06:00"))
    assert (trigger.assignee, trigger.role, trigger.escalated_to) == ("systemforvaltare", "object_specialist", None)
    specialist = user("object_specialist", sub="olle", unit=None)
    assert access.list_scope(specialist, assignee=None, unit=None).roles == ("object_specialist",)
    access.ensure_may_resolve(specialist, assignee="systemforvaltare", unit="", role="object_specialist")
