"""The watch's pages and what its workers and handlers are built from, without a database: the
ranked list's cursor keeps its place whatever day the next page is read on, the report pages
by decision date and counts in full, the events a firing and a resolution publish, the
scheduler's sleep, and the service built from settings read once."""
import random
import secrets
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.watch.domain import events, reports
from services.watch.domain.reports import Quarter, Status
from services.watch.domain.rules import KIND_ORDER, Kind, Subject, configure
from services.watch.domain.watches import (
    ListPosition,
    WatchedThing,
    ensure_open,
    fire,
    list_cursor,
    list_key,
    position_after,
    position_of,
    resolution_comment,
    seconds_to_sleep,
    urgency_key,
)
from shared.errors import DomainError
from shared.pagination import encode_cursor
from shared.problems import status_of

RULES = configure()
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def code_of(call) -> tuple[int, str]:
    with pytest.raises(DomainError) as raised:
        call()
    return status_of(raised.value), raised.value.code


def watch(kind: Kind, due_on: date, raised_at: datetime, **more) -> dict:
    return {"id": uuid.uuid4(), "kind": str(kind), "due_on": due_on, "raised_at": raised_at, **more}


def by_urgency(watches: list[dict], today: date) -> list[dict]:
    """The list's order on `today`: the ranking, the id breaking the last ties."""
    return sorted(watches, key=lambda w: (*urgency_key(due_on=w["due_on"], kind=w["kind"], raised_at=w["raised_at"],
                                                       today=today), w["id"]))


def after(watches: list[dict], cursor: str | None) -> list[dict]:
    """What the store returns after a cursor: the watches whose position is beyond it, in order."""
    position = position_after(cursor)
    return sorted((w for w in watches if position is None or position_of(w) > position), key=position_of)


def pages(watches: list[dict], limit: int, day_of_page) -> list[list[dict]]:
    """Page through `watches` as a client does, the n-th page read on `day_of_page(n)`."""
    found, cursor, n = [], None, 0
    while True:
        rest = after(watches, cursor)
        page = rest[:limit]
        assert page == by_urgency(rest, day_of_page(n))[:limit], "each page is in the ranking of its day"
        found.append(page)
        if len(rest) <= limit:
            return found
        cursor, n = list_cursor(page[-1]), n + 1


watch_sets = st.lists(st.tuples(st.sampled_from(list(Kind)), st.integers(-30, 30), st.integers(0, 3)),
                      min_size=1, max_size=60)


@given(watch_sets, st.integers(1, 7), st.lists(st.integers(-40, 40), min_size=1, max_size=12))
def test_paging_keeps_its_place_when_the_day_changes_between_pages(items, limit, days):
    """Read page by page while the clock moves (midnight passes, POST /admin/clock): every open
    watch is listed once, none skipped, each page ranked as its own day ranks."""
    today = date(2025, 5, 1)
    watches = [watch(k, today + timedelta(days=d), T0 + timedelta(hours=h)) for k, d, h in items]
    random.shuffle(watches)
    read = pages(watches, limit, lambda n: today + timedelta(days=days[n % len(days)]))
    listed = [w["id"] for page in read for w in page]
    assert sorted(listed) == sorted(w["id"] for w in watches) and len(listed) == len(set(listed))
    # On one day throughout, the pages together are that day's ranking.
    same_day = [w for page in pages(watches, limit, lambda n: today) for w in page]
    assert same_day == by_urgency(watches, today)


def test_the_ranking_is_by_due_date_kind_and_age_whatever_the_day():
    today = date(2025, 5, 1)
    watches = [watch(Kind.FOLLOW_UP, date(2025, 4, 30), T0), watch(Kind.ORDER_ESCALATED, date(2025, 5, 2), T0),
               watch(Kind.ORDER_UNCONFIRMED, date(2025, 5, 2), T0), watch(Kind.FOLLOW_UP, date(2025, 5, 1), T0),
               watch(Kind.ORDER_UNCONFIRMED, date(2025, 5, 2), T0 - timedelta(days=1))]
    for day in (today - timedelta(days=10), today, today + timedelta(days=10)):
        assert by_urgency(watches, day) == sorted(watches, key=position_of)


def test_a_watch_lists_cursor_names_its_position():
    w = watch(Kind.DECISION_UNEXECUTED, date(2025, 5, 2), datetime(2025, 2, 3, 4, 5, 6, 789, tzinfo=timezone.utc))
    position = position_after(list_cursor(w))
    assert position == position_of(w) == ListPosition(w["due_on"], KIND_ORDER.index(Kind.DECISION_UNEXECUTED),
                                                      w["raised_at"], w["id"])
    assert position.kind is Kind.DECISION_UNEXECUTED
    assert list_key(w) == (w["due_on"], "decision_unexecuted", w["raised_at"], w["id"])
    assert position_after(None) is None


@pytest.mark.parametrize("cursor", [
    "garbage", encode_cursor("2025-05-02", "order_unconfirmed", T0, uuid.uuid4(), 1),
    encode_cursor(date(2025, 5, 2), "nonsense", T0, uuid.uuid4()),
    encode_cursor(date(2025, 5, 2), "follow_up", datetime(2025, 1, 1), uuid.uuid4()),
    encode_cursor(date(2025, 5, 2), "follow_up", T0, "not-a-uuid"),
    encode_cursor(date(2025, 5, 2), uuid.uuid4()),  # the report's cursor
])
def test_a_cursor_not_made_by_the_watch_list_is_422(cursor):
    assert code_of(lambda: position_after(cursor)) == (422, "invalid_cursor")


def test_only_an_open_watch_is_resolved_and_a_blank_comment_is_none():
    ensure_open({"status": "open"})
    resolved = {"status": "resolved", "resolved_at": T0, "resolution": "manual"}
    assert code_of(lambda: ensure_open(resolved)) == (409, "watch_resolved")
    assert resolution_comment("  Ringde utföraren \n") == "Ringde utföraren"
    assert resolution_comment("   ") is None and resolution_comment(None) is None


def test_the_scheduler_sleeps_until_the_next_timer_at_most_the_poll():
    now = T0
    assert seconds_to_sleep(None, now, 1.0) == 1.0
    assert seconds_to_sleep(now + timedelta(milliseconds=250), now, 1.0) == 0.25
    assert seconds_to_sleep(now + timedelta(hours=1), now, 60.0) == 60.0
    assert seconds_to_sleep(now - timedelta(days=3), now, 1.0) == 0.0


# --- the report's pages ----------------------------------------------------------------------------

Q2 = Quarter.parse("2025-Q2")


def decision(decided_on: date, executed_on: date | None = None, closed_on: date | None = None) -> dict:
    return {"decision_id": uuid.uuid4(), "case_id": uuid.uuid4(), "intervention": "hemtjänst", "decided_by": "anna",
            "decided_on": decided_on, "executed_on": executed_on, "closed_on": closed_on}


def test_a_reports_line_says_how_long_the_decision_waited():
    late = reports.line_in(Q2, decision(date(2025, 1, 10), executed_on=date(2025, 5, 5)))
    assert (late.status, late.executed_on, late.ended_on, late.days_waited, late.deadline) == (
        Status.EXECUTED_LATE, date(2025, 5, 5), None, (date(2025, 5, 5) - date(2025, 1, 10)).days, date(2025, 4, 10))
    ended = reports.line_in(Q2, decision(date(2025, 1, 10), closed_on=date(2025, 5, 20)))
    assert (ended.status, ended.executed_on, ended.ended_on, ended.days_waited) == (
        Status.ENDED_UNEXECUTED, None, date(2025, 5, 20), (date(2025, 5, 20) - date(2025, 1, 10)).days)
    waiting = reports.line_in(Q2, decision(date(2025, 1, 10), executed_on=date(2025, 7, 5)))
    assert (waiting.status, waiting.executed_on, waiting.days_waited) == (
        Status.NOT_EXECUTED, None, (date(2025, 6, 30) - date(2025, 1, 10)).days)
    assert reports.line_in(Q2, decision(date(2025, 1, 10), executed_on=date(2025, 4, 5))) is None


def test_the_report_counts_every_line_and_pages_by_decision_date():
    candidates = [decision(date(2025, 1, 1) + timedelta(days=i % 40), closed_on=date(2025, 5, 1) if i % 3 == 0 else None)
                  for i in range(25)] + [decision(date(2025, 1, 10), executed_on=date(2025, 2, 1))]  # in time
    random.shuffle(candidates)
    whole = reports.report(Q2, "vuxen", candidates, limit=200)
    assert len(whole.lines) == 25 and whole.next_cursor is None
    assert whole.counts == {Status.NOT_EXECUTED: 16, Status.EXECUTED_LATE: 0, Status.ENDED_UNEXECUTED: 9,
                            Status.INTERRUPTED: 0, Status.RESUMED_LATE: 0}
    assert whole.not_executed == 16
    assert [line.key for line in whole.lines] == sorted(line.key for line in whole.lines)

    read, cursor = [], None
    while True:
        page = reports.report(Q2, "vuxen", candidates, limit=4, after=reports.position_after(cursor))
        assert page.counts == whole.counts, "the counts are the whole report's on every page"
        read += page.lines
        if page.next_cursor is None:
            break
        assert len(page.lines) == 4
        cursor = page.next_cursor
    assert read == whole.lines
    assert code_of(lambda: reports.position_after("nonsense")) == (422, "invalid_cursor")


def test_too_many_decisions_for_one_report_is_a_422():
    reports.ensure_not_too_many(reports.MAX_CANDIDATES, "vuxen")
    assert code_of(lambda: reports.ensure_not_too_many(reports.MAX_CANDIDATES + 1, "vuxen")) == (422, "report_too_large")


# --- the events ------------------------------------------------------------------------------------

def order(**changes) -> WatchedThing:
    facts = {"provider_id": str(uuid.uuid4()), "provider_email": "a@utforare.example", "provider_webhook_url": None}
    return WatchedThing(**{"id": uuid.uuid4(), "subject": Subject.ORDER, "case_id": uuid.uuid4(),
                           "caseworker": "anna", "unit": "vuxen", "facts": facts, **changes})


def test_a_reminder_is_raised_to_the_caseworker_with_the_provider_to_remind():
    thing = order()
    trigger = fire(RULES["order_reminder"], thing, due_on=date(2025, 4, 23), now=T0)
    watch_id = uuid.uuid4()
    event = events.raised(trigger, watch_id=watch_id, trigger_count=2, at=T0)
    assert type(event).__name__ == "WatchRaised"
    assert (event.kind, event.rule, event.assignee, event.remind_provider, event.trigger_count) == (
        "order_unconfirmed", "order_reminder", "anna", True, 2)
    assert (str(event.provider_id), event.provider_email) == (thing.facts["provider_id"], "a@utforare.example")
    assert events.key_of(event) == (str(thing.id), str(watch_id))


def test_an_escalation_goes_out_as_watch_escalated_naming_the_caseworker():
    thing = order()
    trigger = fire(RULES["order_escalation"], thing, due_on=date(2025, 4, 28), now=T0)
    event = events.raised(trigger, watch_id=uuid.uuid4(), trigger_count=1, at=T0)
    assert type(event).__name__ == "WatchEscalated"
    assert (event.caseworker, event.escalated_to, event.escalated_at, event.unit) == ("anna", "supervisor", T0, "vuxen")


def test_a_resolved_watch_is_published_keyed_by_its_subject():
    row = {"id": uuid.uuid4(), "kind": "follow_up", "subject_type": "decision", "subject_id": uuid.uuid4(),
           "case_id": uuid.uuid4(), "assignee": "anna", "unit": "vuxen", "resolution": "case.closed",
           "resolved_by": "system", "resolved_at": T0, "resolution_comment": "not published"}
    event = events.resolved(row)
    assert (event.watch_id, event.kind, event.resolution, event.resolved_by) == (
        row["id"], "follow_up", "case.closed", "system")
    assert "comment" not in event.model_dump() and "resolution_comment" not in event.model_dump()
    assert events.key_of(event) == (str(row["subject_id"]), str(row["id"]))


# --- the service, built from settings read once ----------------------------------------------------

def test_the_service_is_built_from_its_settings_with_the_clock_route_only_in_dev_and_test():
    from services.watch.main import service
    from services.watch.settings import WatchSettings
    from shared.settings import SECRETS, Settings

    watch = WatchSettings(rules={"order_reminder": "3bd"})
    dev = service(Settings(env="test"), watch)
    prod = service(Settings(env="prod", **{name: secrets.token_hex(32) for name in SECRETS}), watch)
    paths = lambda built: {route.path for router in built.routers for route in router.routes}  # noqa: E731
    assert "/admin/clock" in paths(dev) and "/admin/clock" not in paths(prod)
    assert {"/watches", "/reports/unexecuted-decisions"} <= paths(prod)
    assert {"order.sent", "order.started", "decision.made", "case.closed"} <= set(dev.handlers)
    assert len(dev.workers) == 2


def test_the_rules_are_checked_when_the_settings_are_read():
    from pydantic import ValidationError

    from services.watch.settings import WatchSettings

    assert WatchSettings(rules={"order_reminder": "3bd"}).configured_rules()["order_reminder"].fire_after.business_days == 3
    with pytest.raises(ValidationError):
        WatchSettings(rules={"no_such_rule": "3bd"})
