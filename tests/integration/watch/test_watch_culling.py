"""Culling (gallring) in watch: when the registry approves a person's culling, watch deletes the
watches, timers and subjects of the person's cases and inquiries (it knows them by id only) and
its read models of their cases and decisions, once, and confirms with counts; another person's stay."""
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.events.catalog import DecisionMade, InquiryReceived, InvestigationStarted, PersonCullingApproved
from tests import clock
from tests.integration.watch.helpers import Upstream, armed, fetch, move_clock, watch_events
from tests.stack import eventually

SE = ZoneInfo("Europe/Stockholm")


@pytest.fixture
async def watch(env):
    proc = env.start("watch")
    await proc.wait_ready()
    return proc


async def subject_ids(env, case_id, inquiry_id) -> list[uuid.UUID]:
    rows = await fetch(env, "SELECT id FROM watch.subjects WHERE case_id = $1 OR id = $2", case_id, inquiry_id)
    return [row["id"] for row in rows]


async def rows_of(env, case_id, inquiry_id, subjects: list[uuid.UUID]) -> dict[str, int]:
    queries = {
        "subjects": ("SELECT count(*) AS n FROM watch.subjects WHERE case_id = $1 OR id = $2", (case_id, inquiry_id)),
        "timers": ("SELECT count(*) AS n FROM watch.timers WHERE subject_id = ANY($1::uuid[])", (subjects,)),
        "watches": ("SELECT count(*) AS n FROM watch.watches WHERE case_id = $1 OR subject_id = $2",
                    (case_id, inquiry_id)),
        "decisions": ("SELECT count(*) AS n FROM watch.decisions WHERE case_id = $1", (case_id,)),
    }
    return {kind: (await fetch(env, sql, *args))[0]["n"] for kind, (sql, args) in queries.items()}


async def a_persons_case(upstream, env) -> tuple[uuid.UUID, uuid.UUID]:
    """A child's case with an investigation and a decision, and a report of concern received today:
    timers armed (the protection assessment's watch is raised the next morning)."""
    today = clock.today()
    person_id, case_id, inquiry_id, investigation_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await upstream.send(InquiryReceived(inquiry_id=inquiry_id, person_id=person_id, unit="vuxen",
                                        kind="report_of_concern", received_on=today,
                                        assessment_due_on=today + timedelta(days=14), protection_due_on=today,
                                        recorded_by="anna"), inquiry_id)
    await upstream.send(InvestigationStarted(case_id=case_id, investigation_id=investigation_id, unit="vuxen",
                                             started_on=today, due_on=today + timedelta(days=120),
                                             started_by="anna"), case_id)
    await upstream.send(DecisionMade(case_id=case_id, decision_id=uuid.uuid4(), unit="vuxen", intervention="home_help",
                                     outcome="granted", valid_from=today, valid_to=None,
                                     follow_up_on=today + timedelta(days=90), decided_on=today, decided_by="anna"),
                        case_id)
    assert await armed(env, investigation_id)
    return case_id, inquiry_id


async def raised(env, inquiry_id) -> bool:
    return (await fetch(env, "SELECT count(*) AS n FROM watch.watches WHERE subject_id = $1", inquiry_id))[0]["n"] >= 1


async def test_an_approved_culling_deletes_the_persons_watches_once_and_is_confirmed(env, watch):
    async with Upstream(env) as upstream:
        case_id, inquiry_id = await a_persons_case(upstream, env)
        other_case, other_inquiry = await a_persons_case(upstream, env)
        await move_clock(env, watch, datetime.combine(clock.today() + timedelta(days=1), time(6, 1), SE))
        for inquiry in (inquiry_id, other_inquiry):
            assert await eventually(lambda: raised(env, inquiry), timeout=30), "no protection assessment's watch"
        subjects, other_subjects = (await subject_ids(env, case_id, inquiry_id),
                                    await subject_ids(env, other_case, other_inquiry))
        before = await rows_of(env, case_id, inquiry_id, subjects)
        kept = await rows_of(env, other_case, other_inquiry, other_subjects)
        assert all(before.values()), before
        culling_id = uuid.uuid4()
        approved = PersonCullingApproved(culling_id=culling_id, person_id=uuid.uuid4(), person_ref="0" * 64,
                                         rule_id="personal_file", approved_by="systemforvaltare",
                                         approved_at=clock.now(), case_ids=[case_id], inquiry_ids=[inquiry_id])
        await upstream.send(approved, approved.person_id)
        await upstream.send(approved, approved.person_id)   # published twice: culled once

        async def confirmations():
            found = [data for kind, data in await watch_events(env, timeout=5)
                     if kind == "watches.culled" and data["culling_id"] == str(culling_id)]
            return found or None
        confirmed = await eventually(confirmations, timeout=30)
        assert confirmed, "watch never confirmed the culling"
        counts = confirmed[0]["counts"]
        assert (counts["watches"], counts["timers"], counts["subjects"], counts["decisions"]) == (
            before["watches"], before["timers"], before["subjects"], before["decisions"]), (counts, before)
        assert await rows_of(env, case_id, inquiry_id, subjects) == dict.fromkeys(before, 0)
        assert await rows_of(env, other_case, other_inquiry, other_subjects) == kept

        async def both_handled():
            rows = await fetch(env, "SELECT count(*) AS n FROM watch.inbox WHERE type = 'person.culling_approved'")
            return rows[0]["n"] >= 2
        assert await eventually(both_handled)
        assert len(await confirmations()) == 1
