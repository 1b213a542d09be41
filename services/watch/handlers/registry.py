"""Reactions to the registry's events: investigations and decisions arm their deadlines;
completion, the decision being carried out and the case's closing settle them."""

from services.watch.domain.rules import Subject, Track
from services.watch.domain.watches import GRANTED, decision_timers, inquiry_timers, investigation_timers
from services.watch.handlers.context import current
from services.watch.handlers.settling import close_case, settle
from services.watch.store import decisions, subjects, timers
from shared.events import EVENT_TYPES, Envelope
from shared.events.catalog import CaseClosed, DecisionMade, InvestigationCompleted, InvestigationStarted
from shared.unit_of_work import UnitOfWork


async def on_investigation_started(uow: UnitOfWork, envelope: Envelope, data: InvestigationStarted) -> None:
    conn = uow.conn
    await subjects.record(conn, id=data.investigation_id, type=Subject.INVESTIGATION, case_id=data.case_id,
                          caseworker=data.started_by, unit=data.unit,
                          facts={"started_on": data.started_on.isoformat(), "due_on": data.due_on.isoformat()})
    await timers.arm(conn, data.investigation_id,
                     investigation_timers(current().rules, data.started_on, data.due_on))


async def on_investigation_completed(uow: UnitOfWork, envelope: Envelope,
                                     data: InvestigationCompleted) -> None:
    conn = uow.conn
    await settle(conn, subject_id=data.investigation_id, subject=Subject.INVESTIGATION, track=Track.INVESTIGATION,
                 resolution=envelope.type, at=envelope.time)


async def on_decision_made(uow: UnitOfWork, envelope: Envelope, data: DecisionMade) -> None:
    conn = uow.conn
    await decisions.record(conn, decision_id=data.decision_id, case_id=data.case_id, unit=data.unit,
                           decided_by=data.decided_by, intervention=data.intervention, outcome=data.outcome,
                           decided_on=data.decided_on)
    if data.outcome not in GRANTED:
        return
    await subjects.record(conn, id=data.decision_id, type=Subject.DECISION, case_id=data.case_id,
                          caseworker=data.decided_by, unit=data.unit,
                          facts={"intervention": data.intervention, "decided_on": data.decided_on.isoformat(),
                                 "follow_up_on": data.follow_up_on and data.follow_up_on.isoformat(),
                                 "valid_to": data.valid_to and data.valid_to.isoformat()})
    await timers.arm(conn, data.decision_id, decision_timers(
        current().rules, outcome=data.outcome, decided_on=data.decided_on, follow_up_on=data.follow_up_on,
        valid_to=data.valid_to))


async def on_case_closed(uow: UnitOfWork, envelope: Envelope, data: CaseClosed) -> None:
    conn = uow.conn
    await close_case(conn, case_id=data.case_id, closed_on=data.closed_on, at=envelope.time)


# Förhandsbedömning: inquiry.received / inquiry.assessed are being added to the registry's
# catalogue; these handlers join as soon as the types exist. A report about a child carries
# `assessment_due_on` (14 days after receipt); other inquiries have no such deadline.
async def on_inquiry_received(uow: UnitOfWork, envelope: Envelope, data) -> None:
    conn = uow.conn
    if data.assessment_due_on is None:
        return
    await subjects.record(conn, id=data.inquiry_id, type=Subject.INQUIRY, case_id=None,
                          caseworker=data.recorded_by, unit=data.unit,
                          facts={"kind": data.kind, "received_on": data.received_on.isoformat()})
    await timers.arm(conn, data.inquiry_id, inquiry_timers(current().rules, data.received_on, data.assessment_due_on))


async def on_inquiry_assessed(uow: UnitOfWork, envelope: Envelope, data) -> None:
    conn = uow.conn
    await settle(conn, subject_id=data.inquiry_id, subject=Subject.INQUIRY, track=Track.ASSESSMENT,
                 resolution=envelope.type, at=envelope.time)


_LATER = {"inquiry.received": on_inquiry_received, "inquiry.assessed": on_inquiry_assessed}

HANDLERS = {"investigation.started": on_investigation_started,
            "investigation.completed": on_investigation_completed,
            "decision.made": on_decision_made, "case.closed": on_case_closed,
            **{name: handler for name, handler in _LATER.items() if name in EVENT_TYPES}}
