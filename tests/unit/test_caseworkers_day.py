"""The caseworker's day without a database: covers in force by Swedish date, directory entries,
whom an escalation names, whose watches a cover's list shows, the unsigned note rule."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from services.notify.domain import plan
from services.notify.domain.covers import covers_in_force
from services.notify.domain.deliveries import Channel
from services.notify.domain.templates import WATCH_KINDS
from services.watch.domain import access
from services.watch.domain.rules import Kind, Subject, Who, closing_kinds, configure
from services.watch.domain.staff import escalation_supervisor, responsible
from services.watch.domain.watches import WatchedThing, fire, note_timers
from shared.access.policy import grant_for
from shared.auth import Principal
from shared.covers import cover_in_force, entry_active
from shared.errors import DomainError

D = date(2026, 12, 21)


@pytest.mark.parametrize("today,expected", [
    (D - timedelta(days=1), False), (D, True), (D + timedelta(days=3), True), (D + timedelta(days=4), False)])
def test_a_cover_is_in_force_from_its_first_to_its_last_day(today, expected):
    assert cover_in_force(from_date=D, to_date=D + timedelta(days=3), ended_on=None, today=today) is expected


def test_a_cover_ended_early_is_not_in_force_from_the_day_the_member_is_back():
    kw = dict(from_date=D, to_date=D + timedelta(days=10), ended_on=D + timedelta(days=2))
    assert cover_in_force(**kw, today=D + timedelta(days=1))
    assert not cover_in_force(**kw, today=D + timedelta(days=2))
    assert not cover_in_force(from_date=None, to_date=None, ended_on=D, today=D)  # only its end is known


def test_a_directory_entry_is_active_in_its_period():
    assert entry_active(active_from=D, active_to=None, today=D + timedelta(days=999))
    assert not entry_active(active_from=D, active_to=None, today=D - timedelta(days=1))
    assert not entry_active(active_from=D, active_to=D, today=D + timedelta(days=1))


def test_an_escalation_names_the_caseworkers_active_supervisor_else_no_one():
    anna = {"subject": "anna", "supervisor": "gunilla"}
    gunilla = {"subject": "gunilla", "active_from": D, "active_to": None}
    assert escalation_supervisor(anna, gunilla, D) == "gunilla"
    assert escalation_supervisor(None, gunilla, D) is None                      # caseworker not in the directory
    assert escalation_supervisor({"subject": "anna", "supervisor": None}, gunilla, D) is None
    assert escalation_supervisor(anna, None, D) is None                         # supervisor not in the directory
    assert escalation_supervisor(anna, {**gunilla, "active_to": D - timedelta(days=1)}, D) is None  # left


def test_a_subject_that_happened_before_its_cases_reassignment_is_the_new_caseworkers():
    at = datetime(2026, 12, 21, 12, tzinfo=timezone.utc)
    moved = {"caseworker": "bodil", "reassigned_at": at}
    assert responsible("anna", at - timedelta(seconds=1), moved) == "bodil"
    assert responsible("anna", at + timedelta(seconds=1), moved) == "anna"   # sent by anna afterwards
    assert responsible("anna", D, moved) == "bodil"                          # a decision the same day
    assert responsible("anna", D + timedelta(days=1), moved) == "anna"
    assert responsible("anna", at, None) == "anna"


def test_the_escalation_rule_is_the_supervisors_and_names_them_on_the_watch():
    rules = configure()
    thing = WatchedThing(id=uuid.uuid4(), subject=Subject.ORDER, case_id=None, caseworker="anna", unit="vuxen",
                         supervisor="gunilla")
    now = datetime(2026, 12, 21, 9, tzinfo=timezone.utc)
    escalation = fire(rules["order_escalation"], thing, due_on=D, now=now)
    assert escalation.assignee is None and escalation.escalated_to == "gunilla" and escalation.supervisor == "gunilla"
    unnamed = fire(rules["order_escalation"], WatchedThing(id=thing.id, subject=Subject.ORDER, case_id=None,
                                                           caseworker="anna", unit="vuxen"), due_on=D, now=now)
    assert unnamed.escalated_to == "supervisor" and unnamed.supervisor is None
    reminder = fire(rules["order_reminder"], thing, due_on=D, now=now)
    assert reminder.assignee == "anna" and reminder.escalated_to is None and reminder.supervisor is None


def grant(role: str, sub: str, unit: str = "vuxen"):
    return grant_for(Principal(sub=sub, roles=[role], unit=unit), "watch:watch.read")


def test_a_cover_sees_the_absent_members_watches_in_their_own_list_and_only_while_covering():
    covers = [{"absent": "anna", "from_date": D, "to_date": D + timedelta(days=3), "ended_on": None},
              {"absent": "bertil", "from_date": D + timedelta(days=5), "to_date": D + timedelta(days=9),
               "ended_on": None}]
    covering = access.covering_today(covers, D)
    assert covering == ("anna",)
    scope = access.list_scope(grant("caseworker", "cecilia"), assignee=None, unit=None, covering=covering)
    assert scope.assignees == ["cecilia", "anna"]
    assert access.list_scope(grant("caseworker", "cecilia"), assignee="anna", unit=None,
                             covering=covering).assignees == ["anna"]
    with pytest.raises(DomainError):
        access.list_scope(grant("caseworker", "cecilia"), assignee="bertil", unit=None, covering=covering)
    assert access.covering_today(covers, D + timedelta(days=4)) == ()
    access.ensure_may_resolve(grant("caseworker", "cecilia"), assignee="anna", unit="vuxen", covering=covering)
    with pytest.raises(DomainError):
        access.ensure_may_resolve(grant("caseworker", "cecilia"), assignee="anna", unit="vuxen", covering=())


def test_the_unsigned_note_rule_fires_after_seven_days_configurably_and_outlives_the_closing():
    rules = configure()
    rule = rules["unsigned_note"]
    assert rule.kind is Kind.NOTE_UNSIGNED and rule.subject is Subject.NOTE and rule.who is Who.CASEWORKER
    written = datetime(2026, 12, 21, 14, 30, tzinfo=timezone.utc)
    [t] = note_timers(rules, written)
    assert t.fire_at == written + timedelta(days=7) and t.due_on == date(2026, 12, 28)
    [t3] = note_timers(configure({"unsigned_note": "3d"}), written)
    assert t3.fire_at == written + timedelta(days=3) and t3.due_on == date(2026, 12, 24)
    assert note_timers(configure({"unsigned_note": {"enabled": False}}), written) == []
    assert Kind.NOTE_UNSIGNED not in closing_kinds(rules) and Kind.ORDER_UNCONFIRMED in closing_kinds(rules)
    note = WatchedThing(id=uuid.uuid4(), subject=Subject.NOTE, case_id=uuid.uuid4(), caseworker="anna",
                        unit="vuxen", case_closed=True)
    assert fire(rule, note, due_on=t.due_on, now=t.fire_at) is not None
    assert fire(rule, WatchedThing(**{**note.__dict__, "settled": frozenset({"signing"})}),
                due_on=t.due_on, now=t.fire_at) is None
    order = WatchedThing(id=uuid.uuid4(), subject=Subject.ORDER, case_id=None, caseworker="anna", unit="vuxen",
                         case_closed=True)
    assert fire(rules["order_reminder"], order, due_on=t.due_on, now=t.fire_at) is None


# --- notify ---------------------------------------------------------------------------------------


def test_an_escalation_naming_a_supervisor_goes_to_them_not_to_the_units_supervisors():
    assert plan.watch_recipients("watch_escalated", "anna", "vuxen", supervisor="gunilla") == \
        ["user:gunilla", "user:anna"]
    assert plan.watch_recipients("watch_escalated", "anna", "vuxen", supervisor=None) == \
        ["supervisors:vuxen", "user:anna"]
    # A raised watch is the caseworker's whatever a supervisor field would say.
    assert plan.watch_recipients("watch_raised", "anna", "vuxen", supervisor="gunilla") == ["user:anna"]


def test_the_supervisors_email_names_the_kind_and_the_link_and_no_one():
    mail = plan.to_supervisor_by_email(uuid.uuid4(), "watch.escalated", "gunilla@kommun.example",
                                       kind="order_escalated", link="https://omsorg.test/orders/x")
    assert mail.channel is Channel.EMAIL and mail.recipient == "gunilla@kommun.example"
    assert mail.content["subject"] == "Eskalerad bevakning: obekräftad beställning"
    text = mail.content["text"]
    assert "https://omsorg.test/orders/x" in text and "Skicka inte personuppgifter" in text


def test_a_members_notices_go_to_their_covers_in_force_too():
    def row(cover, start, end, ended_on=None):
        return {"absent": "anna", "cover": cover, "from_date": D + timedelta(days=start),
                "to_date": D + timedelta(days=end), "ended_on": ended_on}
    covers = [row("cecilia", 0, 3), row("david", 1, 3), row("erik", -3, 3, ended_on=D)]
    assert covers_in_force(covers, D) == {"anna": ["cecilia"]}
    assert covers_in_force(covers, D + timedelta(days=1)) == {"anna": ["cecilia", "david"]}
    assert covers_in_force(covers, D + timedelta(days=4)) == {}
    assert plan.with_covers(["supervisors:vuxen", "user:anna"], {"anna": ["cecilia"]}) == \
        ["supervisors:vuxen", "user:anna", "user:cecilia"]
    assert plan.with_covers(["user:anna", "user:cecilia"], {"anna": ["cecilia"]}) == ["user:anna", "user:cecilia"]


def test_every_watch_kind_has_its_swedish_text():
    assert set(WATCH_KINDS) == {str(k) for k in Kind}
    assert WATCH_KINDS["note_unsigned"] == "osignerad journalanteckning"
