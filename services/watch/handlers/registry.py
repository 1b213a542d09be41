"""Reactions to the registry's events: inquiries, investigations and decisions arm their deadlines
and extensions move them; assessments, completion, the decision being carried out and the case's
closing settle them; interruptions and delay reasons are kept for the report to IVO."""
from services.watch.domain.rules import Rule, Subject, Track
from services.watch.usecases import reports, subjects
from shared import staff_read_model as staff
from shared.clock import local_date
from shared.consumer import Handler
from shared.events import Envelope
from shared.events.catalog import (
    CaseClosed,
    DecisionApproved,
    CaseReassigned,
    CoverEnded,
    CoverGranted,
    DecisionDelayReasonRecorded,
    DecisionExecuted,
    DecisionInterrupted,
    DecisionMade,
    DecisionRefused,
    DecisionResumed,
    InquiryAssessed,
    InquiryAssessmentExtended,
    InquiryProtectionAssessed,
    InquiryReassigned,
    InquiryReceived,
    InvestigationCompleted,
    InvestigationExtended,
    InvestigationStarted,
    StaffChanged,
)
from shared.unit_of_work import UnitOfWork


def handlers_for(rules: dict[str, Rule]) -> dict[str, Handler]:
    """The handlers of the registry's events, under the process's configured `rules`."""

    async def on_investigation_started(uow: UnitOfWork, envelope: Envelope, data: InvestigationStarted) -> None:
        await subjects.follow_investigation(uow, rules, data)

    async def on_investigation_completed(uow: UnitOfWork, envelope: Envelope,
                                         data: InvestigationCompleted) -> None:
        await subjects.settle(uow, rules, subject_id=data.investigation_id, subject=Subject.INVESTIGATION,
                              track=Track.INVESTIGATION, resolution=envelope.type, at=envelope.time)

    async def on_decision_made(uow: UnitOfWork, envelope: Envelope, data: DecisionMade) -> None:
        await subjects.follow_decision(uow, rules, data)

    async def on_case_closed(uow: UnitOfWork, envelope: Envelope, data: CaseClosed) -> None:
        await subjects.close_case(uow, rules, case_id=data.case_id, closed_on=data.closed_on, at=envelope.time)

    async def on_investigation_extended(uow: UnitOfWork, envelope: Envelope, data: InvestigationExtended) -> None:
        await subjects.extend_deadline(uow, rules, subject_id=data.investigation_id, subject=Subject.INVESTIGATION,
                                       track=Track.INVESTIGATION, due_on=data.due_on)

    async def on_decision_approved(uow: UnitOfWork, envelope: Envelope, data: DecisionApproved) -> None:
        await subjects.decision_approved(uow, rules, decision_id=data.decision_id, on=local_date(data.approved_at))

    async def on_decision_refused(uow: UnitOfWork, envelope: Envelope, data: DecisionRefused) -> None:
        await subjects.decision_refused(uow, rules, decision_id=data.decision_id, at=data.refused_at)

    async def on_decision_executed(uow: UnitOfWork, envelope: Envelope, data: DecisionExecuted) -> None:
        await subjects.decision_executed(uow, rules, decision_id=data.decision_id, executed_on=data.executed_on,
                                         resolution=envelope.type, at=envelope.time)

    async def on_decision_interrupted(uow: UnitOfWork, envelope: Envelope, data: DecisionInterrupted) -> None:
        await reports.decision_interrupted(uow, data.decision_id, on=data.interrupted_on)

    async def on_decision_resumed(uow: UnitOfWork, envelope: Envelope, data: DecisionResumed) -> None:
        await reports.decision_resumed(uow, data.decision_id, on=data.resumed_on)

    async def on_delay_reason(uow: UnitOfWork, envelope: Envelope, data: DecisionDelayReasonRecorded) -> None:
        await reports.delay_reason(uow, data.decision_id, code=data.code, declined_offer_on=data.declined_offer_on)

    async def on_inquiry_received(uow: UnitOfWork, envelope: Envelope, data: InquiryReceived) -> None:
        await subjects.follow_inquiry(uow, rules, data)

    async def on_inquiry_assessed(uow: UnitOfWork, envelope: Envelope, data: InquiryAssessed) -> None:
        await subjects.settle(uow, rules, subject_id=data.inquiry_id, subject=Subject.INQUIRY,
                              track=Track.ASSESSMENT, resolution=envelope.type, at=envelope.time)

    async def on_protection_assessed(uow: UnitOfWork, envelope: Envelope, data: InquiryProtectionAssessed) -> None:
        await subjects.settle(uow, rules, subject_id=data.inquiry_id, subject=Subject.INQUIRY,
                              track=Track.PROTECTION, resolution=envelope.type, at=envelope.time)

    async def on_assessment_extended(uow: UnitOfWork, envelope: Envelope, data: InquiryAssessmentExtended) -> None:
        await subjects.extend_deadline(uow, rules, subject_id=data.inquiry_id, subject=Subject.INQUIRY,
                                       track=Track.ASSESSMENT, due_on=data.due_on)

    async def on_case_reassigned(uow: UnitOfWork, envelope: Envelope, data: CaseReassigned) -> None:
        await subjects.reassign_case(uow, data)

    async def on_inquiry_reassigned(uow: UnitOfWork, envelope: Envelope, data: InquiryReassigned) -> None:
        await subjects.reassign_inquiry(uow, data)

    async def on_staff_changed(uow: UnitOfWork, envelope: Envelope, data: StaffChanged) -> None:
        await staff.record_member(uow, data)

    async def on_cover_granted(uow: UnitOfWork, envelope: Envelope, data: CoverGranted) -> None:
        await staff.grant_cover(uow, data)

    async def on_cover_ended(uow: UnitOfWork, envelope: Envelope, data: CoverEnded) -> None:
        await staff.end_cover(uow, data)

    return {"case.reassigned": on_case_reassigned, "inquiry.reassigned": on_inquiry_reassigned,
            "staff.changed": on_staff_changed, "cover.granted": on_cover_granted, "cover.ended": on_cover_ended,
            "investigation.started": on_investigation_started,
            "investigation.completed": on_investigation_completed,
            "investigation.extended": on_investigation_extended,
            "decision.made": on_decision_made,
            "decision.approved": on_decision_approved, "decision.refused": on_decision_refused, "decision.executed": on_decision_executed,
            "decision.interrupted": on_decision_interrupted, "decision.resumed": on_decision_resumed,
            "decision.delay_reason_recorded": on_delay_reason, "case.closed": on_case_closed,
            "inquiry.received": on_inquiry_received, "inquiry.assessed": on_inquiry_assessed,
            "inquiry.protection_assessed": on_protection_assessed,
            "inquiry.assessment_extended": on_assessment_extended}
