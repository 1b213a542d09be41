"""What the watch follows, kept from other services' events: a subject (an order, an inquiry,
an investigation, a decision) arms the timers of its rules when it starts, and an event that
settles a track of it (a confirmation, a completion, an execution, the case's closing) makes
those timers raise nothing and resolves the track's open watches."""
from datetime import date, datetime
from uuid import UUID

from services.watch.domain.rules import Rule, Subject, Track, closing_kinds, kinds_of
from services.watch.domain.staff import responsible
from services.watch.domain.watches import (
    GRANTED,
    decision_timers,
    extended_timers,
    inquiry_timers,
    investigation_timers,
    note_timers,
    order_timers,
)
from services.watch.store import decisions, subjects, timers
from services.watch.store import watches as watch_store
from services.watch.usecases.watches import publish_resolved
from shared import interventions
from shared.events.catalog import (
    CaseReassigned,
    DecisionMade,
    InquiryReassigned,
    InvestigationStarted,
    NoteWritten,
    OrderSent,
    OrderStarted,
)
from shared.unit_of_work import UnitOfWork

# Who resolves a watch whose subject settled or whose case closed.
SYSTEM = "system"


async def follow_order(uow: UnitOfWork, rules: dict[str, Rule], sent: OrderSent) -> None:
    """A sent order: its reminder and escalation are armed."""
    async with uow:
        caseworker = responsible(sent.caseworker, sent.sent_at, await subjects.case_caseworker(uow.conn, sent.case_id))
        await subjects.record(uow.conn, id=sent.order_id, type=Subject.ORDER, case_id=sent.case_id,
                              caseworker=caseworker, unit=sent.unit,
                              facts={"provider_id": str(sent.provider_id), "provider_email": sent.provider_email,
                                     "provider_webhook_url": sent.provider_webhook_url,
                                     "decision_id": str(sent.decision_id), "intervention": sent.intervention,
                                     "sent_at": sent.sent_at.isoformat()})
        await timers.arm(uow.conn, sent.order_id, order_timers(rules, sent.sent_at))


async def follow_investigation(uow: UnitOfWork, rules: dict[str, Rule], started: InvestigationStarted) -> None:
    """A started investigation about a child: its deadline (the date the registry states) is armed.
    An adult's has none."""
    if started.due_on is None:
        return
    async with uow:
        caseworker = responsible(started.started_by, started.started_on,
                                 await subjects.case_caseworker(uow.conn, started.case_id))
        await subjects.record(uow.conn, id=started.investigation_id, type=Subject.INVESTIGATION,
                              case_id=started.case_id, caseworker=caseworker, unit=started.unit,
                              facts={"started_on": started.started_on.isoformat(),
                                     "due_on": started.due_on.isoformat()})
        await timers.arm(uow.conn, started.investigation_id,
                         investigation_timers(rules, started.started_on, started.due_on))


IN_FORCE = "in_force"


async def follow_decision(uow: UnitOfWork, rules: dict[str, Rule], made: DecisionMade) -> None:
    """Every decision is kept for the quarter's report; a favourable one in force arms its execution,
    follow-up and lapse timers (an avslag leaves nothing to carry out or follow up). One that awaits
    approval (above its maker's delegation) is kept, and arms them when approved."""
    item = interventions.find(made.intervention)
    async with uow:
        await decisions.record(uow.conn, decision_id=made.decision_id, case_id=made.case_id, unit=made.unit,
                               decided_by=made.decided_by, intervention=made.intervention, outcome=made.outcome,
                               decided_on=made.decided_on, law=item and item.law,
                               ivo_category=item and item.ivo_category, gender=made.gender,
                               birth_year=made.birth_year)
        if made.status != IN_FORCE:
            await decisions.set_status(uow.conn, decision_id=made.decision_id, status=made.status)
        if made.outcome not in GRANTED:
            return
        caseworker = responsible(made.decided_by, made.decided_on,
                                 await subjects.case_caseworker(uow.conn, made.case_id))
        placement = bool(made.about_child and item is not None and item.placement)
        await subjects.record(uow.conn, id=made.decision_id, type=Subject.DECISION, case_id=made.case_id,
                              caseworker=caseworker, unit=made.unit,
                              facts={"intervention": made.intervention, "decided_on": made.decided_on.isoformat(),
                                     "follow_up_on": made.follow_up_on and made.follow_up_on.isoformat(),
                                     "valid_from": made.valid_from.isoformat(),
                                     "valid_to": made.valid_to and made.valid_to.isoformat(),
                                     "outcome": made.outcome, "placement_of_child": placement})
        if made.status == IN_FORCE:
            await timers.arm(uow.conn, made.decision_id, decision_timers(
                rules, outcome=made.outcome, decided_on=made.decided_on, follow_up_on=made.follow_up_on,
                valid_to=made.valid_to, placement_of_child_from=made.valid_from if placement else None))


async def decision_approved(uow: UnitOfWork, rules: dict[str, Rule], *, decision_id: UUID, on: date) -> None:
    """An approved decision comes into force on the day of approval: it is reported from that day
    and its timers are armed from it."""
    async with uow:
        await decisions.set_status(uow.conn, decision_id=decision_id, status=IN_FORCE, decided_on=on)
        row = await subjects.get(uow.conn, decision_id, for_update=True)
        if row is None or not row["known"]:
            return
        f = row["facts"]
        day = lambda key: date.fromisoformat(f[key]) if f.get(key) else None  # noqa: E731
        await timers.arm(uow.conn, decision_id, decision_timers(
            rules, outcome=f.get("outcome", "granted"), decided_on=on, follow_up_on=day("follow_up_on"),
            valid_to=day("valid_to"),
            placement_of_child_from=day("valid_from") if f.get("placement_of_child") else None))


async def decision_refused(uow: UnitOfWork, rules: dict[str, Rule], *, decision_id: UUID, at: datetime) -> None:
    """A refused decision never comes into force: out of the report, and nothing to follow."""
    async with uow:
        await decisions.set_status(uow.conn, decision_id=decision_id, status="refused")
        for track in (Track.EXECUTION, Track.FOLLOW_UP, Track.VALIDITY):
            await settle(uow, rules, subject_id=decision_id, subject=Subject.DECISION, track=track,
                         resolution="decision.refused", at=at)


async def follow_inquiry(uow: UnitOfWork, rules: dict[str, Rule], received) -> None:
    """A report about a child carries `assessment_due_on` (14 days after receipt) and
    `protection_due_on` (the day of receipt), and arms both deadlines; other inquiries have none."""
    if received.assessment_due_on is None:
        return
    async with uow:
        await subjects.record(uow.conn, id=received.inquiry_id, type=Subject.INQUIRY, case_id=None,
                              caseworker=received.recorded_by, unit=received.unit,
                              facts={"kind": received.kind, "received_on": received.received_on.isoformat()})
        await timers.arm(uow.conn, received.inquiry_id,
                         inquiry_timers(rules, received.received_on, received.assessment_due_on,
                                        protection_due_on=received.protection_due_on))


async def extend_deadline(uow: UnitOfWork, rules: dict[str, Rule], *, subject_id: UUID, subject: Subject,
                          track: Track, due_on: date) -> None:
    """A statutory deadline extended by the registry: the track's pending timers are armed again for
    the new date, and its open watches show it."""
    async with uow:
        row = await subjects.get(uow.conn, subject_id, for_update=True)
        if row is None or not row["known"] or str(track) in row["settled"]:
            return
        facts = row["facts"]
        anchor = date.fromisoformat(facts.get("started_on") or facts["received_on"])
        names = [r.name for r in rules.values() if r.subject is subject and r.track is track]
        await timers.disarm(uow.conn, subject_id, names)
        await timers.arm(uow.conn, subject_id, extended_timers(rules, subject, track, anchor=anchor, due_on=due_on))
        await watch_store.move_due(uow.conn, subject_id=subject_id,
                                   kinds=[str(k) for k in kinds_of(rules, track)], due_on=due_on)


async def settle(uow: UnitOfWork, rules: dict[str, Rule], *, subject_id: UUID, subject: Subject, track: Track,
                 resolution: str, at: datetime) -> None:
    """A track of the subject is settled: its pending timers will raise nothing, and its open
    watches are resolved by `resolution` (the settling event's type), each one published.

    Idempotent, and in any order: settling before the subject is known (or before its watch
    fired) leaves a mark that makes the later timer raise nothing."""
    async with uow:
        # The subject's row lock first, then the watches: the scheduler takes them in that order too.
        await subjects.settle(uow.conn, id=subject_id, type=str(subject), track=str(track))
        rows = await watch_store.resolve_settled(uow.conn, subject_id=subject_id,
                                                 kinds=[str(k) for k in kinds_of(rules, track)],
                                                 at=at, by=SYSTEM, resolution=resolution)
        publish_resolved(uow, rows)


async def settle_order(uow: UnitOfWork, rules: dict[str, Rule], order_id: UUID, *, resolution: str,
                       at: datetime) -> None:
    """A confirmation, recall or rejection: the order needs no reminder nor escalation."""
    await settle(uow, rules, subject_id=order_id, subject=Subject.ORDER, track=Track.CONFIRMATION,
                 resolution=resolution, at=at)


async def order_started(uow: UnitOfWork, rules: dict[str, Rule], started: OrderStarted, *,
                        resolution: str) -> None:
    """A started order is confirmed in fact, and its decision is carried out (verkställt) on the
    day it started: the first start counts for the report."""
    async with uow:
        await settle_order(uow, rules, started.order_id, resolution=resolution, at=started.started_at)
        await decisions.mark_executed(uow.conn, decision_id=started.decision_id, on=started.started_on)
        await settle(uow, rules, subject_id=started.decision_id, subject=Subject.DECISION, track=Track.EXECUTION,
                     resolution=resolution, at=started.started_at)


async def decision_executed(uow: UnitOfWork, rules: dict[str, Rule], *, decision_id: UUID, executed_on: date,
                            resolution: str, at: datetime) -> None:
    """A decision carried out in-house or by payment: as a provider's start does."""
    async with uow:
        await decisions.mark_executed(uow.conn, decision_id=decision_id, on=executed_on)
        await settle(uow, rules, subject_id=decision_id, subject=Subject.DECISION, track=Track.EXECUTION,
                     resolution=resolution, at=at)


async def close_case(uow: UnitOfWork, rules: dict[str, Rule], *, case_id: UUID, closed_on: date,
                     at: datetime) -> None:
    """A closed case settles every track of its subjects and resolves its open watches, but for
    the rules that outlive the closing (a note is still signed after it: unsigned_note)."""
    async with uow:
        await subjects.close_case(uow.conn, case_id=case_id, closed_on=closed_on)
        rows = await watch_store.resolve_case(uow.conn, case_id=case_id, kinds=[str(k) for k in closing_kinds(rules)],
                                              at=at, by=SYSTEM, resolution="case.closed")
        publish_resolved(uow, rows)


async def follow_note(uow: UnitOfWork, rules: dict[str, Rule], written: NoteWritten) -> None:
    """A written note arms the reminder to sign it, for its author in the case's unit. A note.written
    from before the event named the unit arms nothing: a watch needs its unit."""
    if written.unit is None:
        return
    async with uow:
        await subjects.record(uow.conn, id=written.note_id, type=Subject.NOTE, case_id=written.case_id,
                              caseworker=written.written_by, unit=written.unit,
                              facts={"version": written.version, "written_at": written.written_at.isoformat()})
        await timers.arm(uow.conn, written.note_id, note_timers(rules, written.written_at))


# A note is signed by whoever wrote it (journal: ensure_may_sign), so its watch stays with the
# author when the case gets a new caseworker.
STAYS_WITH_AUTHOR = [str(Subject.NOTE)]


async def reassign_case(uow: UnitOfWork, reassigned: CaseReassigned) -> None:
    """A case with a new caseworker: its open watches that were a caseworker's (not escalations,
    not unsigned notes) become the new caseworker's, and its subjects name them, so the timers
    still to fire raise their watches for them; a subject of the case whose event comes later but
    happened before the reassignment is theirs as well (domain.staff.responsible). Nothing is
    published: no watch was raised or resolved, and notify is told of the watches the new
    caseworker gets when they are raised."""
    async with uow:
        await subjects.reassign_case(uow.conn, case_id=reassigned.case_id, caseworker=reassigned.caseworker,
                                     at=reassigned.reassigned_at, keep_types=STAYS_WITH_AUTHOR)
        await watch_store.reassign(uow.conn, case_id=reassigned.case_id, caseworker=reassigned.caseworker,
                                   keep_types=STAYS_WITH_AUTHOR)


async def reassign_inquiry(uow: UnitOfWork, reassigned: InquiryReassigned) -> None:
    """An inquiry with a new caseworker: as a case's, for the inquiry's watches and timers."""
    async with uow:
        await subjects.reassign_subject(uow.conn, id=reassigned.inquiry_id, caseworker=reassigned.caseworker)
        await watch_store.reassign(uow.conn, subject_id=reassigned.inquiry_id, caseworker=reassigned.caseworker)
