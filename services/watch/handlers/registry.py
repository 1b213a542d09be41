"""Reactions to the registry's events: investigations and decisions arm their deadlines;
completion, the decision being carried out and the case's closing settle them."""
from services.watch.domain.rules import Rule, Subject, Track
from services.watch.usecases import subjects
from shared.consumer import Handler
from shared.events import EVENT_TYPES, Envelope
from shared.events.catalog import CaseClosed, DecisionMade, InvestigationCompleted, InvestigationStarted
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
        await subjects.close_case(uow, case_id=data.case_id, closed_on=data.closed_on, at=envelope.time)

    # Förhandsbedömning: inquiry.received / inquiry.assessed are being added to the registry's
    # catalogue; these handlers join as soon as the types exist.
    async def on_inquiry_received(uow: UnitOfWork, envelope: Envelope, data) -> None:
        await subjects.follow_inquiry(uow, rules, data)

    async def on_inquiry_assessed(uow: UnitOfWork, envelope: Envelope, data) -> None:
        await subjects.settle(uow, rules, subject_id=data.inquiry_id, subject=Subject.INQUIRY,
                              track=Track.ASSESSMENT, resolution=envelope.type, at=envelope.time)

    later = {"inquiry.received": on_inquiry_received, "inquiry.assessed": on_inquiry_assessed}
    return {"investigation.started": on_investigation_started,
            "investigation.completed": on_investigation_completed,
            "decision.made": on_decision_made, "case.closed": on_case_closed,
            **{name: handler for name, handler in later.items() if name in EVENT_TYPES}}
