"""The process's deadlines on the real stack: an investigation not completed after 3½ months,
a decision not carried out after three months (and in the quarter's report), a follow-up
(14 days before and on the day: one watch), a decision about to lapse, an initial assessment
of a report about a child; completion, execution and the case's closing resolve them."""
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.watch.domain.calendar import add_months
from shared.events import EVENT_TYPES
from shared.events.catalog import CaseClosed, DecisionMade, InvestigationCompleted, InvestigationStarted, OrderStarted
from tests import clock
from tests.stack import eventually
from tests.integration.watch.helpers import Upstream, armed, fetch, move_clock, watch_events, watch_list

SE = ZoneInfo("Europe/Stockholm")


def morning(day: date, minutes: int = 1) -> datetime:
    return datetime.combine(day, time(6, minutes), SE)


def decision(case_id, *, decided_on: date, outcome="granted", follow_up_on=None, valid_to=None, unit="vuxen",
             by="anna") -> DecisionMade:
    return DecisionMade(case_id=case_id, decision_id=uuid.uuid4(), unit=unit, intervention="hemtjänst",
                        outcome=outcome, valid_from=decided_on, valid_to=valid_to, follow_up_on=follow_up_on,
                        decided_on=decided_on, decided_by=by)


def started(made: DecisionMade, on: date) -> OrderStarted:
    return OrderStarted(order_id=uuid.uuid4(), case_id=made.case_id, decision_id=made.decision_id,
                        provider_id=uuid.uuid4(), caseworker=made.decided_by, started_on=on,
                        started_by="utforare", started_at=datetime.combine(on, time(9), SE))


async def kinds(env, watch, sub="anna") -> dict[str, dict]:
    return {w["kind"]: w for w in (await watch_list(env, watch, sub=sub))["items"]}


async def until(check, timeout=60):
    assert await eventually(check, timeout=timeout)


async def test_investigation_watch_at_three_and_a_half_months_resolved_by_completion(env, watch):
    today = clock.today()
    case_id, investigation_id = uuid.uuid4(), uuid.uuid4()
    due_on = add_months(today, 4)
    async with Upstream(env) as upstream:
        await upstream.send(InvestigationStarted(case_id=case_id, investigation_id=investigation_id, unit="vuxen",
                                                 started_on=today, due_on=due_on, started_by="anna"), case_id)
        assert await armed(env, investigation_id)
        half = add_months(today, 3) + timedelta(days=15)
        assert (await move_clock(env, watch, morning(half - timedelta(days=1))))["fired"] == 0
        assert (await move_clock(env, watch, morning(half)))["fired"] == 1
        raised = (await kinds(env, watch))["investigation_due"]
        assert raised["due_on"] == due_on.isoformat() and raised["subject_id"] == str(investigation_id)
        assert not raised["overdue"]
        await upstream.send(InvestigationCompleted(case_id=case_id, investigation_id=investigation_id, unit="vuxen",
                                                   completed_on=half, completed_by="anna"), case_id)

        async def resolved():
            return "investigation_due" not in await kinds(env, watch)
        await until(resolved)


async def test_a_decisions_follow_up_execution_and_lapse_and_the_case_closing(env, watch):
    today = clock.today()
    case_id = uuid.uuid4()
    made = decision(case_id, decided_on=today, follow_up_on=add_months(today, 2), valid_to=add_months(today, 6))
    async with Upstream(env) as upstream:
        await upstream.send(made, case_id)
        assert await armed(env, made.decision_id, 4)

        # Follow-up: 14 days before, then on the day: one watch, raised twice.
        notice = made.follow_up_on - timedelta(days=14)
        assert (await move_clock(env, watch, morning(notice)))["fired"] == 1
        assert (await kinds(env, watch))["follow_up"]["trigger_count"] == 1
        assert (await move_clock(env, watch, morning(made.follow_up_on)))["fired"] == 1
        listed = await watch_list(env, watch)
        assert [w["kind"] for w in listed["items"]] == ["follow_up"]
        assert listed["items"][0]["trigger_count"] == 2 and listed["items"][0]["due_on"] == made.follow_up_on.isoformat()

        # Not carried out three months after the decision.
        three_months = add_months(today, 3)
        assert (await move_clock(env, watch, morning(three_months)))["fired"] == 1
        unexecuted = (await kinds(env, watch))["decision_unexecuted"]
        assert unexecuted["due_on"] == three_months.isoformat()
        # Both are overdue now; the follow-up was due first.
        ranked = [w["kind"] for w in (await watch_list(env, watch))["items"]]
        assert ranked == ["follow_up", "decision_unexecuted"]

        # The provider starts: the decision is carried out, its watch resolves; the follow-up stays.
        await upstream.send(started(made, three_months + timedelta(days=2)), made.decision_id)

        async def executed():
            return set(await kinds(env, watch)) == {"follow_up"}
        await until(executed)

        # About to lapse: 30 days before valid_to.
        lapse_notice = made.valid_to - timedelta(days=30)
        assert (await move_clock(env, watch, morning(lapse_notice)))["fired"] == 1
        assert (await kinds(env, watch))["decision_lapsing"]["due_on"] == made.valid_to.isoformat()

        # Closing the case resolves all that is left of it.
        await upstream.send(CaseClosed(case_id=case_id, reason="avslutat", closed_on=lapse_notice), case_id)

        async def closed():
            return await kinds(env, watch) == {}
        await until(closed)
    rows = await fetch(env, "SELECT kind, resolution FROM watch.watches ORDER BY kind")
    assert {(r["kind"], r["resolution"]) for r in rows} == {
        ("decision_lapsing", "case.closed"), ("decision_unexecuted", "order.started"), ("follow_up", "case.closed")}
    events = await watch_events(env, at_least=8)
    assert sorted(t for t, _ in events) == ["watch.raised"] * 4 + ["watch.resolved"] * 3


async def test_a_rejected_decision_and_a_closed_case_arm_nothing_that_raises(env, watch):
    today = clock.today()
    closed_case = uuid.uuid4()
    rejected = decision(uuid.uuid4(), decided_on=today, outcome="rejected", follow_up_on=add_months(today, 1))
    late = decision(closed_case, decided_on=today, follow_up_on=add_months(today, 1))
    async with Upstream(env) as upstream:
        await upstream.send(rejected, rejected.case_id)
        await upstream.send(CaseClosed(case_id=closed_case, reason="flyttat", closed_on=today), closed_case)
        await upstream.send(late, closed_case)  # arrives after its case closed
        assert await armed(env, late.decision_id, 3)
    await move_clock(env, watch, morning(add_months(today, 4)))
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.watches"))[0]["n"] == 0
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.timers"))[0]["n"] == 0


@pytest.mark.skipif("inquiry.received" not in EVENT_TYPES, reason="the registry does not publish inquiries yet")
async def test_an_initial_assessment_not_recorded_after_ten_days_raises_a_watch_due_at_fourteen(env, watch):
    from shared.events.catalog import InquiryAssessed, InquiryReceived

    today = clock.today()
    child, adult = uuid.uuid4(), uuid.uuid4()
    report = dict(person_id=uuid.uuid4(), unit="barn", kind="report_of_concern", received_on=today,
                  recorded_by="anna")
    async with Upstream(env) as upstream:
        await upstream.send(InquiryReceived(inquiry_id=child, assessment_due_on=today + timedelta(days=14),
                                            **report), child)
        await upstream.send(InquiryReceived(inquiry_id=adult, **{**report, "kind": "application"}), adult)
        assert await armed(env, child)
        assert (await move_clock(env, watch, morning(today + timedelta(days=9))))["fired"] == 0
        assert (await move_clock(env, watch, morning(today + timedelta(days=10))))["fired"] == 1
        raised = (await kinds(env, watch))["assessment_due"]
        assert raised["due_on"] == (today + timedelta(days=14)).isoformat() and raised["unit"] == "barn"
        await upstream.send(InquiryAssessed(inquiry_id=child, person_id=report["person_id"], unit="barn",
                                            outcome="open_investigation", assessed_on=today + timedelta(days=11),
                                            due_on=today + timedelta(days=14), late=False, assessed_by="anna"), child)

        async def resolved():
            return await kinds(env, watch) == {}
        await until(resolved)
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.timers"))[0]["n"] == 0


async def test_the_quarters_report_of_decisions_not_carried_out(env, watch):
    case = uuid.uuid4
    not_executed = decision(case(), decided_on=date(2026, 1, 10))
    executed_late = decision(case(), decided_on=date(2026, 1, 12))
    in_time = decision(case(), decided_on=date(2026, 1, 14))
    ended = decision(case(), decided_on=date(2026, 1, 16))
    rejected = decision(case(), decided_on=date(2026, 1, 10), outcome="rejected")
    too_new = decision(case(), decided_on=date(2026, 4, 20))
    other_unit = decision(case(), decided_on=date(2026, 1, 10), unit="barn")
    async with Upstream(env) as upstream:
        # Out of order for one of them: the start arrives before the decision.
        await upstream.send(started(executed_late, date(2026, 5, 5)), executed_late.decision_id)
        for made in (not_executed, executed_late, in_time, ended, rejected, too_new, other_unit):
            await upstream.send(made, made.case_id)
        await upstream.send(started(in_time, date(2026, 3, 1)), in_time.decision_id)
        await upstream.send(CaseClosed(case_id=ended.case_id, reason="avböjt", closed_on=date(2026, 6, 1)),
                            ended.case_id)

    async def recorded():
        rows = await fetch(env, "SELECT count(*) AS n FROM watch.decisions WHERE decided_on IS NOT NULL")
        closed = await fetch(env, "SELECT count(*) AS n FROM watch.closed_cases")
        executed = await fetch(env, "SELECT count(*) AS n FROM watch.decisions WHERE executed_on IS NOT NULL")
        return rows[0]["n"] == 7 and closed[0]["n"] == 1 and executed[0]["n"] == 2
    await until(recorded)

    boss = env.auth("supervisor", sub="greta", unit="vuxen")
    async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        q2 = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q2"}, headers=boss)).json()
        assert (q2["quarter"], q2["unit"], q2["period_start"], q2["period_end"]) == (
            "2026-Q2", "vuxen", "2026-04-01", "2026-06-30")
        status = {line["decision_id"]: line["status"] for line in q2["items"]}
        assert status == {str(not_executed.decision_id): "not_executed",
                          str(executed_late.decision_id): "executed_late",
                          str(ended.decision_id): "ended_unexecuted"}
        assert q2["not_executed"] == 1
        assert q2["counts"] == {"not_executed": 1, "executed_late": 1, "ended_unexecuted": 1, "interrupted": 0,
                                "resumed_late": 0}
        assert q2["next_cursor"] is None
        line = next(x for x in q2["items"] if x["status"] == "not_executed")
        assert line["deadline"] == "2026-04-10" and line["days_waited"] == (date(2026, 6, 30) - date(2026, 1, 10)).days

        # A line at a time: the same lines in the same order (by decision date), the counts on every page.
        paged, cursor = [], None
        while True:
            params = {"quarter": "2026-Q2", "limit": 1, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/reports/unexecuted-decisions", params=params, headers=boss)).json()
            assert page["counts"] == q2["counts"] and len(page["items"]) == 1
            paged += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert paged == q2["items"] and [x["decided_on"] for x in paged] == sorted(x["decided_on"] for x in paged)

        q1 = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q1"}, headers=boss)).json()
        assert q1["items"] == [] and q1["not_executed"] == 0 and q1["next_cursor"] is None
        q3 = (await client.get("/reports/unexecuted-decisions", params={"quarter": "2026-Q3"}, headers=boss)).json()
        assert {x["decision_id"]: x["status"] for x in q3["items"]} == {
            str(not_executed.decision_id): "not_executed", str(too_new.decision_id): "not_executed"}

        for params, headers, expected in (
            ({"quarter": "2026-Q5"}, boss, (422, "invalid_quarter")),
            ({}, boss, (422, "validation_error")),
            ({"quarter": "2026-Q2", "unit": "barn"}, boss, (403, "other_unit")),
            ({"quarter": "2026-Q2"}, env.auth("caseworker", unit="vuxen"), (403, "forbidden")),
            ({"quarter": "2026-Q2", "limit": 0}, boss, (422, "validation_error")),
            ({"quarter": "2026-Q2", "limit": 201}, boss, (422, "validation_error")),
            ({"quarter": "2026-Q2", "cursor": "not-a-cursor"}, boss, (422, "invalid_cursor")),
        ):
            response = await client.get("/reports/unexecuted-decisions", params=params, headers=headers)
            assert (response.status_code, response.json()["code"]) == expected, (params, response.text)
