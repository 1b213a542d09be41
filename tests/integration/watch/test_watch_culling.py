"""Culling (gallring) in watch: when the registry approves a person's culling, watch deletes the
watches, timers and subjects of the person's cases and inquiries (it knows them by id only) and
its read models of their cases and decisions, once, and confirms with counts; another person's stay.
It also follows the other services' confirmations: a culling not confirmed by all of them a day after
its approval raises a watch for support naming those missing."""
import json
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from services.watch.domain.rules import configure
from services.watch.domain.watches import timer
from shared.events.catalog import (
    DecisionMade,
    InquiryReceived,
    InvestigationStarted,
    NotesCulled,
    NotificationsCulled,
    OrdersCulled,
    PersonCullingApproved,
)
from tests import clock
from tests.integration.watch.helpers import Upstream, armed, fetch, move_clock, watch_events, watch_list
from tests.stack import eventually

SE = ZoneInfo("Europe/Stockholm")


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


def culling_approved(culling_id: uuid.UUID, at: datetime) -> PersonCullingApproved:
    return PersonCullingApproved(culling_id=culling_id, person_id=uuid.uuid4(), person_ref="0" * 64,
                                 rule_id="personal_file", approved_by="systemforvaltare", approved_at=at,
                                 case_ids=[], inquiry_ids=[])


def fires_at(approved_at: datetime) -> datetime:
    """When the watch's rule for an unconfirmed culling fires, by the domain's own calendar."""
    return timer(configure()["culling_unconfirmed"], approved_at).fire_at


async def culling_subject(env, culling_id) -> dict | None:
    rows = await fetch(env, "SELECT facts, settled, known FROM watch.subjects WHERE id = $1", culling_id)
    if not rows:
        return None
    facts = rows[0]["facts"]
    return {"facts": json.loads(facts) if isinstance(facts, str) else facts, "settled": list(rows[0]["settled"]),
            "known": rows[0]["known"]}


async def confirmed_by(env, culling_id, services: list[str]) -> bool:
    found = await culling_subject(env, culling_id)
    return found is not None and found["known"] and found["facts"].get("confirmed") == services


async def culling_watches(env, culling_id) -> list:
    return await fetch(env, "SELECT * FROM watch.watches WHERE subject_id = $1", culling_id)


async def test_a_culling_not_confirmed_by_every_service_in_time_raises_a_watch_for_support(env, watch):
    """The journal confirms before the approval reaches the watch, orders after; notify does not
    in time: a day after the approval a watch for support names notify, and notify's late
    confirmation resolves it."""
    culling_id, approved_at = uuid.uuid4(), clock.now()
    async with Upstream(env) as upstream:
        await upstream.send(NotesCulled(culling_id=culling_id, counts={"notes": 2}, culled_at=approved_at), culling_id)
        assert await eventually(lambda: culling_subject(env, culling_id), timeout=30)
        await upstream.send(culling_approved(culling_id, approved_at), uuid.uuid4())
        assert await armed(env, culling_id)
        await upstream.send(OrdersCulled(culling_id=culling_id, counts={"orders": 1}, culled_at=approved_at),
                            culling_id)
        assert await eventually(lambda: confirmed_by(env, culling_id, ["journal", "orders", "watch"]), timeout=30)

        await move_clock(env, watch, fires_at(approved_at) - timedelta(minutes=1))
        assert await culling_watches(env, culling_id) == [], "raised before the time was up"
        await move_clock(env, watch, fires_at(approved_at) + timedelta(minutes=1))
        (raised_watch,) = await culling_watches(env, culling_id)
        details = raised_watch["details"]
        details = json.loads(details) if isinstance(details, str) else details
        assert (raised_watch["kind"], raised_watch["subject_type"], raised_watch["role"], raised_watch["assignee"],
                raised_watch["status"]) == ("culling_unconfirmed", "culling", "support", None, "open")
        assert details["missing"] == ["notify"] and details["confirmed"] == ["journal", "orders", "watch"]
        assert raised_watch["case_id"] is None

        support = await watch_list(env, watch, role="support", sub="stina", unit=None)
        assert [w["subject_id"] for w in support["items"]] == [str(culling_id)]
        assert support["items"][0]["role"] == "support"
        assert (await watch_list(env, watch))["items"] == [], "a caseworker sees the culling's watch"
        assert (await watch_list(env, watch, role="supervisor", sub="greta"))["items"] == []
        async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
            url = f"/watches/{raised_watch['id']}/resolve"
            assert (await client.post(url, headers=env.auth("caseworker"))).status_code == 403

        await upstream.send(NotificationsCulled(culling_id=culling_id, counts={"deliveries": 0},
                                                culled_at=clock.now()), culling_id)

        async def resolved():
            (row,) = await culling_watches(env, culling_id)
            return row["status"] == "resolved" and row["resolution"] == "notifications.culled"
        assert await eventually(resolved, timeout=30), "notify's confirmation left the watch open"
        events = [(kind, data["kind"], data.get("role")) for kind, data in await watch_events(env, timeout=5)
                  if kind in ("watch.raised", "watch.resolved") and data["subject_id"] == str(culling_id)]
        assert events == [("watch.raised", "culling_unconfirmed", "support"),
                          ("watch.resolved", "culling_unconfirmed", None)], events


async def test_a_culling_every_service_confirms_in_time_raises_nothing(env, watch):
    culling_id, approved_at = uuid.uuid4(), clock.now()
    async with Upstream(env) as upstream:
        await upstream.send(culling_approved(culling_id, approved_at), uuid.uuid4())
        assert await armed(env, culling_id)
        for confirmation in (NotesCulled(culling_id=culling_id, counts={}, culled_at=approved_at),
                             OrdersCulled(culling_id=culling_id, counts={}, culled_at=approved_at),
                             NotificationsCulled(culling_id=culling_id, counts={}, culled_at=approved_at)):
            await upstream.send(confirmation, culling_id)

        async def settled():
            found = await culling_subject(env, culling_id)
            timers = await fetch(env, "SELECT count(*) AS n FROM watch.timers WHERE subject_id = $1", culling_id)
            return found["settled"] == ["culling"] and found["facts"]["missing"] == [] and timers[0]["n"] == 0
        assert await eventually(settled, timeout=30), await culling_subject(env, culling_id)
        await move_clock(env, watch, fires_at(approved_at) + timedelta(hours=1))
        assert await culling_watches(env, culling_id) == []
        assert (await watch_list(env, watch, role="support", sub="stina", unit=None))["items"] == []


async def test_a_culling_whose_approval_never_reaches_the_watch_still_raises_a_watch_naming_the_watch(env, watch):
    """Only the journal's confirmation arrives (the watch's own culling failed, say): a day after it,
    support gets the watch, naming orders, watch and notify."""
    culling_id, culled_at = uuid.uuid4(), clock.now()
    async with Upstream(env) as upstream:
        await upstream.send(NotesCulled(culling_id=culling_id, counts={"notes": 1}, culled_at=culled_at), culling_id)
        assert await armed(env, culling_id)
    await move_clock(env, watch, fires_at(culled_at) + timedelta(minutes=1))
    (raised_watch,) = await culling_watches(env, culling_id)
    details = raised_watch["details"]
    details = json.loads(details) if isinstance(details, str) else details
    assert (raised_watch["kind"], raised_watch["role"], details["missing"]) == (
        "culling_unconfirmed", "support", ["orders", "watch", "notify"])
