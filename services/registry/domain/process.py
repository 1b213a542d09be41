"""The order of work on a case and the rules of each step. No I/O here.

intake (aktualisering) -> for a report about a child, the protection assessment
(skyddsbedömning, the same day) and the initial assessment (förhandsbedömning, within 14 days)
-> investigation (utredning; about a child within four months) -> decision (beslut, its basis
communicated to the person first: kommunicering).

Every statutory deadline is a Swedish date moved off non-working days (shared/calendar.py);
the paragraphs are in docs/law.md.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from services.registry.domain.cases import CaseStatus
from shared import errors
from shared.calendar import add_months, statutory_deadline

ASSESSMENT_DAYS = 14
INVESTIGATION_MONTHS = 4


def investigation_due(started_on: date, *, about_child: bool) -> date | None:
    """A child investigation is finished within four months; an adult's has no statutory deadline."""
    if not about_child:
        return None
    return statutory_deadline(add_months(started_on, INVESTIGATION_MONTHS))


def assessment_due(received_on: date) -> date:
    return statutory_deadline(received_on + timedelta(days=ASSESSMENT_DAYS))


def ensure_can_extend(*, due_on: date | None, settled: bool, new_due_on: date, today: date, what: str) -> None:
    """An extension moves a statutory deadline that is still running to a later day."""
    if due_on is None:
        raise errors.conflict("no_statutory_deadline", f"The {what} has no statutory deadline to extend",
                              "only an investigation about a child and the initial assessment of a report"
                              " about a child have one")
    if settled:
        raise errors.conflict("deadline_settled", f"The {what} is already done; there is nothing to extend")
    if new_due_on <= due_on:
        raise errors.invalid("extension_not_later", "An extension moves the deadline to a later day",
                             f"it is due on {due_on.isoformat()}")
    if new_due_on <= today:
        raise errors.invalid("extension_in_past", "An extension ends after today")


def ensure_not_hidden(*, removed_at: datetime | None, removed_by: str | None, removal_reason: str | None,
                      sees_removed: bool) -> None:
    """A case support has removed is out of every usual view; only who may remove and restore
    cases still sees it."""
    if removed_at is not None and not sees_removed:
        raise errors.gone("case_removed", "The case has been removed by support",
                          f"removed {removed_at.isoformat()} by {removed_by}: {removal_reason};"
                          " support can restore it")


def ensure_open(status: str, removed: bool) -> None:
    """Work is done only on an open case that support has not removed."""
    if removed:
        raise errors.conflict("case_removed", "The case has been removed",
                      "support can restore it with POST /cases/{id}/restoration")
    if status == CaseStatus.CLOSED:
        raise errors.conflict("case_closed", "The case is closed")


def ensure_can_remove(*, removed: bool) -> None:
    if removed:
        raise errors.conflict("case_removed", "The case is already removed")


def ensure_can_restore(*, removed: bool) -> None:
    if not removed:
        raise errors.conflict("case_not_removed", "The case is not removed; there is nothing to restore")


def ensure_can_start_investigation(*, ongoing: bool, started_on: date, opened_on: date, today: date) -> None:
    if ongoing:
        raise errors.conflict("investigation_ongoing", "An investigation of the case is already ongoing",
                      "complete it (or decide) before starting another")
    if started_on > today:
        raise errors.invalid("investigation_in_future", "An investigation cannot start in the future")
    if started_on < opened_on:
        raise errors.invalid("investigation_before_case", "An investigation cannot start before its case",
                      f"the case was opened on {opened_on.isoformat()}")


def ensure_can_close(*, ongoing_investigation: bool) -> None:
    if ongoing_investigation:
        raise errors.conflict("investigation_ongoing", "The case has an ongoing investigation",
                      "complete the investigation or make a decision before closing the case")


def ensure_has_investigation(has_investigation: bool) -> None:
    if not has_investigation:
        raise errors.conflict("no_investigation", "A decision needs an investigation on the case",
                      "start an investigation (POST /cases/{id}/investigations) first")


class Outcome(StrEnum):
    GRANTED = "granted"            # bifall
    PARTLY_GRANTED = "partly_granted"
    REJECTED = "rejected"          # avslag


class CommunicationMethod(StrEnum):
    LETTER = "letter"
    MEETING = "meeting"
    PHONE = "phone"
    DIGITAL = "digital"


@dataclass(frozen=True)
class Communication:
    """Kommunicering: whether, when and how the basis was communicated before the decision."""
    communicated: bool
    communicated_on: date | None = None
    method: CommunicationMethod | None = None
    not_communicated_reason: str | None = None


def check_communication(c: Communication, *, decided_on: date, investigation_started_on: date) -> None:
    if c.communicated:
        if c.communicated_on is None or c.method is None:
            raise errors.invalid("communication_incomplete", "Say when and how the basis was communicated",
                          "communicated_on and method are required when communicated is true")
        if c.communicated_on > decided_on:
            raise errors.invalid("communicated_after_decision",
                          "The basis must be communicated before the decision is made")
        if c.communicated_on < investigation_started_on:
            raise errors.invalid("communicated_before_investigation",
                          "The basis cannot be communicated before the investigation started")
        if c.not_communicated_reason is not None:
            raise errors.invalid("communication_contradictory",
                          "A reason for not communicating is only given when it was not communicated")
    else:
        if not c.not_communicated_reason:
            raise errors.invalid("communication_reason_missing",
                          "Say why the basis was not communicated",
                          "for example: the decision grants the application in full")
        if c.communicated_on is not None or c.method is not None:
            raise errors.invalid("communication_contradictory",
                          "communicated_on and method are only given when it was communicated")


def check_validity(*, valid_from: date, valid_to: date | None, follow_up_on: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise errors.invalid("validity_reversed", "valid_to is before valid_from")
    if follow_up_on is not None:
        if follow_up_on < valid_from:
            raise errors.invalid("follow_up_before_validity", "The follow-up is before the decision applies")
        if valid_to is not None and follow_up_on > valid_to:
            raise errors.invalid("follow_up_after_validity", "The follow-up is after the decision has lapsed")
