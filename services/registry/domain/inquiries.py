"""Intake (aktualisering) and the initial assessment (förhandsbedömning). No I/O here."""
from datetime import date
from enum import StrEnum

from services.registry.domain.persons import is_child_on
from services.registry.domain.process import assessment_due
from shared import errors


class InquiryKind(StrEnum):
    APPLICATION = "application"              # ansökan
    REPORT_OF_CONCERN = "report_of_concern"  # anmälan / orosanmälan
    OTHER_INFORMATION = "other_information"  # övrig information


class AssessmentOutcome(StrEnum):
    OPEN_INVESTIGATION = "open_investigation"  # inleda utredning
    NO_INVESTIGATION = "no_investigation"      # inte inleda utredning


def about_child(kind: InquiryKind, birth_date: date, received_on: date) -> bool:
    """A report of concern about someone under 18 on the day it came in."""
    return kind is InquiryKind.REPORT_OF_CONCERN and is_child_on(birth_date, received_on)


def assessment_due_on(kind: InquiryKind, birth_date: date, received_on: date) -> date | None:
    """The due date of the initial assessment: for a report about a child only, 14 days after receipt
    (moved off a non-working day)."""
    return assessment_due(received_on) if about_child(kind, birth_date, received_on) else None


def protection_due_on(kind: InquiryKind, birth_date: date, received_on: date) -> date | None:
    """The protection assessment (skyddsbedömning) of a report about a child is made at once: the
    day the report came in."""
    return received_on if about_child(kind, birth_date, received_on) else None


def ensure_can_assess_protection(*, due_on: date | None, assessed: bool) -> None:
    if due_on is None:
        raise errors.conflict("no_protection_assessment_needed",
                              "Only a report of concern about a child gets a protection assessment")
    if assessed:
        raise errors.conflict("already_assessed", "The protection assessment is already recorded")


def ensure_received_in_past(received_on: date, today: date) -> None:
    if received_on > today:
        raise errors.invalid("received_in_future", "An inquiry cannot be received in the future")


def ensure_can_assess(*, due_on: date | None, assessed: bool, assessed_on: date, received_on: date,
                      today: date) -> None:
    if due_on is None:
        raise errors.conflict("no_assessment_needed",
                      "Only a report of concern about a child gets an initial assessment")
    if assessed:
        raise errors.conflict("already_assessed", "The inquiry has already been assessed")
    if assessed_on < received_on or assessed_on > today:
        raise errors.invalid("assessed_on_out_of_range",
                      "The assessment is made between the receipt and today",
                      f"received on {received_on.isoformat()}")


def is_overdue(due_on: date | None, assessed_on: date | None, today: date) -> bool:
    if due_on is None:
        return False
    return (assessed_on or today) > due_on


def ensure_may_investigate(*, due_on: date | None, outcome: str | None, investigation_id) -> None:
    """Intake -> assessment -> investigation, in that order."""
    if investigation_id is not None:
        raise errors.conflict("investigation_already_opened", "The inquiry has already led to an investigation",
                      str(investigation_id))
    if due_on is not None and outcome is None:
        raise errors.conflict("assessment_missing", "A report about a child is assessed first",
                      "record the initial assessment with POST /inquiries/{id}/assessment")
    if outcome == AssessmentOutcome.NO_INVESTIGATION:
        raise errors.conflict("assessed_no_investigation", "The initial assessment decided not to investigate")
