"""The caseworker's day on the real watch process: a case handed to another caseworker takes its
open watches and its future reminders along; a cover (ersättare) sees the absent member's watches
during the cover and not after; an escalation names the caseworker's own supervisor from the staff
directory; a note left unsigned raises its watch after the set days, and signing resolves it."""
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from services.watch.domain.calendar import add_months
from shared.events.catalog import (
    CaseClosed,
    CaseReassigned,
    CoverEnded,
    CoverGranted,
    DecisionMade,
    InquiryReassigned,
    InquiryReceived,
    NoteSigned,
    NoteWritten,
    StaffChanged,
)
from tests import clock
from tests.integration.watch.helpers import (
    Upstream,
    armed,
    fetch,
    fire_times,
    move_clock,
    order_sent,
    watch_events,
    watch_list,
)
from tests.stack import eventually

SE = ZoneInfo("Europe/Stockholm")


def morning(day: date, minutes: int = 1) -> datetime:
    return datetime.combine(day, time(6, minutes), SE)


def sub(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def mine(env, watch, who: str, **kw) -> list[dict]:
    return (await watch_list(env, watch, sub=who, **kw))["items"]


async def until(check, timeout=60):
    assert await eventually(check, timeout=timeout)


def member(subject: str, *, supervisor: str | None = None, email: str | None = None, active_from: date | None = None,
           active_to: date | None = None, level: str = "caseworker") -> StaffChanged:
    return StaffChanged(subject=subject, name=subject.title(), title="Socialsekreterare", unit="vuxen",
                        email=email, supervisor=supervisor, delegation_level=level,
                        active_from=active_from or clock.today() - timedelta(days=365), active_to=active_to,
                        changed_by="admin", changed_at=clock.now())


async def test_a_reassigned_case_moves_its_five_open_watches_and_its_next_reminder(env, watch):
    anna, bodil = sub("anna"), sub("bodil")
    case_id = uuid.uuid4()
    now = clock.now()
    orders = [order_sent(sent_at=now, caseworker=anna).model_copy(update={"case_id": case_id}) for _ in range(5)]
    made = DecisionMade(case_id=case_id, decision_id=uuid.uuid4(), unit="vuxen", intervention="hemtjänst",
                        outcome="granted", valid_from=clock.today(), decided_on=clock.today(), decided_by=anna)
    async with Upstream(env) as upstream:
        for sent in orders:
            await upstream.send(sent, sent.order_id)
        await upstream.send(made, case_id)
        for sent in orders:
            assert await armed(env, sent.order_id, 2)
        assert await armed(env, made.decision_id)
        await move_clock(env, watch, fire_times(orders[0])["order_reminder"])
        before = await mine(env, watch, anna)
        assert len(before) == 5 and {w["kind"] for w in before} == {"order_unconfirmed"}
        assert await mine(env, watch, bodil) == []

        await upstream.send(CaseReassigned(case_id=case_id, unit="vuxen", previous_caseworker=anna, caseworker=bodil,
                                           reassigned_by="gruppchef", reassigned_at=clock.now()), case_id)

        async def moved():
            return len(await mine(env, watch, bodil)) == 5
        await until(moved)
        after = await mine(env, watch, bodil)
        assert await mine(env, watch, anna) == []
        # The same watches, moved: same ids, due dates and counts; only the assignee changed.
        assert {(w["id"], w["due_on"], w["trigger_count"]) for w in after} == \
               {(w["id"], w["due_on"], w["trigger_count"]) for w in before}
        assert {w["assignee"] for w in after} == {bodil}
        # The new caseworker may resolve them; the old one no longer may.
        async with httpx.AsyncClient(base_url=watch.url) as client:
            refused = await client.post(f"/watches/{after[0]['id']}/resolve", headers=env.auth("caseworker", anna))
            assert refused.status_code == 403, refused.text
        # The reminder still to come (the decision not carried out, three months on) is the new
        # caseworker's: the timer was armed for anna and fires for bodil.
        rows = await fetch(env, "SELECT caseworker FROM watch.subjects WHERE case_id = $1", case_id)
        assert {r["caseworker"] for r in rows} == {bodil}
        await move_clock(env, watch, morning(add_months(clock.today(), 3)))
        kinds = {w["kind"] for w in await mine(env, watch, bodil)}
        assert "decision_unexecuted" in kinds
        assert "decision_unexecuted" not in {w["kind"] for w in await mine(env, watch, anna)}

        # Moving the watches published nothing: no watch was resolved and raised again.
        events = await watch_events(env, at_least=5 + 1)
        ids = {w["id"] for w in before}
        assert not [e for t, e in events if t == "watch.resolved" and e["watch_id"] in ids]
        assert len([e for t, e in events if t == "watch.raised" and e["watch_id"] in ids]) == 5
        # The escalations fired after the reassignment name the new caseworker.
        escalated = [e for t, e in events if t == "watch.escalated" and e["case_id"] == str(case_id)]
        assert len(escalated) == 5 and {e["caseworker"] for e in escalated} == {bodil}


async def test_an_order_of_the_case_that_arrives_after_the_reassignment_but_was_sent_before_is_the_new_caseworkers(
        env, watch):
    anna, bodil = sub("anna"), sub("bodil")
    case_id = uuid.uuid4()
    sent_at = clock.now()
    before = order_sent(sent_at=sent_at, caseworker=anna).model_copy(update={"case_id": case_id})
    after = order_sent(sent_at=sent_at + timedelta(minutes=2), caseworker=anna).model_copy(update={"case_id": case_id})
    async with Upstream(env) as upstream:
        await upstream.send(CaseReassigned(case_id=case_id, unit="vuxen", previous_caseworker=anna, caseworker=bodil,
                                           reassigned_by="gruppchef", reassigned_at=sent_at + timedelta(minutes=1)),
                            case_id)

        async def known():
            return bool(await fetch(env, "SELECT 1 FROM watch.case_caseworkers WHERE case_id = $1", case_id))
        await until(known)
        for sent in (before, after):
            await upstream.send(sent, sent.order_id)
            assert await armed(env, sent.order_id, 2)
        await move_clock(env, watch, fire_times(after)["order_reminder"])
    assert [w["subject_id"] for w in await mine(env, watch, bodil)] == [str(before.order_id)]
    assert [w["subject_id"] for w in await mine(env, watch, anna)] == [str(after.order_id)]


async def test_a_reassigned_inquiry_moves_its_protection_watch_and_its_assessment_reminder(env, watch):
    anna, bodil = sub("anna"), sub("bodil")
    today = clock.today()
    inquiry = uuid.uuid4()
    async with Upstream(env) as upstream:
        await upstream.send(InquiryReceived(inquiry_id=inquiry, person_id=uuid.uuid4(), unit="barn", kind="report",
                                            received_on=today, assessment_due_on=today + timedelta(days=14),
                                            protection_due_on=today, recorded_by=anna), inquiry)
        assert await armed(env, inquiry, 2)
        await move_clock(env, watch, morning(today + timedelta(days=1)))
        [protection] = await mine(env, watch, anna, unit="barn")
        assert protection["kind"] == "protection_assessment_due"
        await upstream.send(InquiryReassigned(inquiry_id=inquiry, unit="barn", previous_caseworker=anna,
                                              caseworker=bodil, reassigned_by="gruppchef",
                                              reassigned_at=clock.now()), inquiry)

        async def moved():
            return [w["id"] for w in await mine(env, watch, bodil, unit="barn")] == [protection["id"]]
        await until(moved)
        assert await mine(env, watch, anna, unit="barn") == []
        await move_clock(env, watch, morning(today + timedelta(days=10)))
        assert {w["kind"] for w in await mine(env, watch, bodil, unit="barn")} == \
               {"protection_assessment_due", "assessment_due"}
        assert await mine(env, watch, anna, unit="barn") == []


async def test_a_cover_sees_the_absent_members_watches_during_the_cover_and_not_before_or_after(env, watch):
    anna, cecilia, david = sub("anna"), sub("cecilia"), sub("david")
    sent = order_sent(sent_at=clock.now(), caseworker=anna)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
        reminder_at = fire_times(sent)["order_reminder"]
        await move_clock(env, watch, reminder_at)
        [watch_of_anna] = await mine(env, watch, anna)
        day = reminder_at.astimezone(SE).date()
        first, last = day + timedelta(days=1), day + timedelta(days=3)
        await upstream.send(CoverGranted(cover_id=uuid.uuid4(), unit="vuxen", absent=anna, cover=cecilia,
                                         from_date=first, to_date=last, granted_by="gruppchef",
                                         granted_at=clock.now()), anna)
        # A second cover, ended early: the absent member is back on `first + 2`.
        early = uuid.uuid4()
        await upstream.send(CoverGranted(cover_id=early, unit="vuxen", absent=anna, cover=david, from_date=first,
                                         to_date=first + timedelta(days=10), granted_by="gruppchef",
                                         granted_at=clock.now()), anna)
        await upstream.send(CoverEnded(cover_id=early, unit="vuxen", absent=anna, cover=david,
                                       ended_on=first + timedelta(days=2), ended_by="gruppchef"), anna)

        async def known():
            rows = await fetch(env, "SELECT count(*) AS n FROM watch.covers WHERE ended_on IS NOT NULL")
            return rows[0]["n"] == 1
        await until(known)
        # Before the cover: the cover's own list is their own.
        assert await mine(env, watch, cecilia) == [] and await mine(env, watch, david) == []
        async with httpx.AsyncClient(base_url=watch.url) as client:
            asked = await client.get("/watches", params={"assignee": anna}, headers=env.auth("caseworker", cecilia))
            assert asked.status_code == 403, asked.text

        # During the cover (its first and last day): the absent member's watch is in the cover's list.
        await move_clock(env, watch, morning(first))
        assert [w["id"] for w in await mine(env, watch, cecilia)] == [watch_of_anna["id"]]
        assert [w["id"] for w in await mine(env, watch, david)] == [watch_of_anna["id"]]
        assert [w["id"] for w in await mine(env, watch, anna)] == [watch_of_anna["id"]]  # still anna's own
        async with httpx.AsyncClient(base_url=watch.url) as client:
            asked = await client.get("/watches", params={"assignee": anna}, headers=env.auth("caseworker", cecilia))
            assert asked.status_code == 200 and [w["id"] for w in asked.json()["items"]] == [watch_of_anna["id"]]
        await move_clock(env, watch, datetime.combine(last, time(23, 30), SE))
        assert [w["id"] for w in await mine(env, watch, cecilia)] == [watch_of_anna["id"]]
        # The cover that was ended early no longer shows it.
        assert await mine(env, watch, david) == []

        # After the cover: not any more, and resolving it is refused.
        await move_clock(env, watch, datetime.combine(last + timedelta(days=1), time(0, 5), SE))
        assert await mine(env, watch, cecilia) == []
        async with httpx.AsyncClient(base_url=watch.url) as client:
            asked = await client.get("/watches", params={"assignee": anna}, headers=env.auth("caseworker", cecilia))
            assert asked.status_code == 403, asked.text
            refused = await client.post(f"/watches/{watch_of_anna['id']}/resolve",
                                        headers=env.auth("caseworker", cecilia))
            assert refused.status_code == 403, refused.text
        assert [w["id"] for w in await mine(env, watch, anna)] == [watch_of_anna["id"]]


async def test_an_escalation_names_the_caseworkers_own_supervisor_else_the_units(env, watch):
    anna, gunilla, other = sub("anna"), sub("gunilla"), sub("okand")
    with_boss = order_sent(sent_at=clock.now(), caseworker=anna)
    without = order_sent(sent_at=clock.now(), caseworker=other)
    async with Upstream(env) as upstream:
        await upstream.send(member(gunilla, email="gunilla@kommun.example", level="supervisor"), gunilla)
        await upstream.send(member(anna, supervisor=gunilla, email="anna@kommun.example"), anna)
        for sent in (with_boss, without):
            await upstream.send(sent, sent.order_id)
            assert await armed(env, sent.order_id, 2)

        async def directory():
            return len(await fetch(env, "SELECT 1 FROM watch.staff")) == 2
        await until(directory)
        await move_clock(env, watch, fire_times(with_boss)["order_escalation"])

    escalations = {w["subject_id"]: w for w in await mine(env, watch, gunilla, role="supervisor")
                   if w["kind"] == "order_escalated"}
    assert escalations[str(with_boss.order_id)]["escalated_to"] == gunilla
    assert escalations[str(with_boss.order_id)]["assignee"] is None
    # Without a directory entry, the unit's supervisors as before (gunilla is one of them).
    assert escalations[str(without.order_id)]["escalated_to"] == "supervisor"
    events = [e for t, e in await watch_events(env, at_least=4) if t == "watch.escalated"]
    by_order = {e["subject_id"]: e for e in events}
    assert by_order[str(with_boss.order_id)]["supervisor"] == gunilla
    assert by_order[str(with_boss.order_id)]["caseworker"] == anna
    assert by_order[str(without.order_id)]["supervisor"] is None


async def test_an_unsigned_note_raises_its_watch_after_seven_days_and_signing_resolves_it(env, watch):
    anna = sub("anna")
    case_id, note_id, closed_note = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    written_at = clock.now()
    other_case = uuid.uuid4()
    async with Upstream(env) as upstream:
        await upstream.send(NoteWritten(note_id=note_id, case_id=case_id, version=1, occurred_on=clock.today(),
                                        written_by=anna, written_at=written_at, source="person", unit="vuxen"),
                            case_id)
        # A note of a case that closes before it is signed: the journal still takes its signature,
        # so the closing does not settle its watch.
        await upstream.send(NoteWritten(note_id=closed_note, case_id=other_case, version=1,
                                        occurred_on=clock.today(), written_by=anna, written_at=written_at,
                                        unit="vuxen"), other_case)
        assert await armed(env, note_id) and await armed(env, closed_note)
        await upstream.send(CaseClosed(case_id=other_case, closed_on=clock.today()), other_case)

        async def closed():
            return bool(await fetch(env, "SELECT 1 FROM watch.closed_cases WHERE case_id = $1", other_case))
        await until(closed)
        await move_clock(env, watch, written_at + timedelta(days=7) - timedelta(minutes=1))
        assert await mine(env, watch, anna) == []
        await move_clock(env, watch, written_at + timedelta(days=7, minutes=1))
        raised = {w["subject_id"]: w for w in await mine(env, watch, anna)}
        assert set(raised) == {str(note_id), str(closed_note)}
        w = raised[str(note_id)]
        assert w["kind"] == "note_unsigned" and w["subject_type"] == "note" and w["unit"] == "vuxen"
        assert w["due_on"] == (written_at + timedelta(days=7)).astimezone(SE).date().isoformat()
        assert w["case_id"] == str(case_id)

        await upstream.send(NoteSigned(note_id=note_id, case_id=case_id, version=1, signed_by=anna,
                                       signed_at=clock.now()), case_id)

        async def resolved():
            return [x["subject_id"] for x in await mine(env, watch, anna)] == [str(closed_note)]
        await until(resolved)
    events = await watch_events(env, at_least=3)
    assert [e["resolution"] for t, e in events if t == "watch.resolved" and e["subject_id"] == str(note_id)] \
        == ["note.signed"]
