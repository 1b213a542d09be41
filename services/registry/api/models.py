"""The registry's request and response models, and how an answer is shaped from what a use case
returns. Field types that keep bad input a 422 are in `types`."""
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, Field

from services.registry.api.types import Day, Name, Reason, Unit, text
from services.registry.domain import imports
from services.registry.domain.cases import CaseKind, CaseStatus
from services.registry.domain.decisions import (
    Action,
    DelayReason,
    InterruptionReason,
    Method,
)
from services.registry.domain.inquiries import AssessmentOutcome, InquiryKind
from services.registry.domain.process import Communication, CommunicationMethod, Outcome
from services.registry.domain.staff import Level
from services.registry.usecases.decisions import DecisionContent, Execution
from services.registry.usecases.inquiries import InquiryInvestigation, InquiryView
from services.registry.usecases.occurrences import Occurrences
from services.registry.usecases.persons import Lookup, PersonView
from shared import interventions
from shared.pagination import Listed, Page


def page(model, listed: Listed) -> Page:
    """A page of the list's rows as `model`s, with the cursor of the next page."""
    rows, next_cursor = listed
    return Page[model](items=[model.of(r) for r in rows], next_cursor=next_cursor)


PDF = {200: {"content": {"application/pdf": {}}, "description": "A PDF document"}}


def pdf(content: bytes, filename: str) -> Response:
    """A PDF to read in the browser (or save), never cached: it holds personal data."""
    return Response(content=content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


def _fields(model: type[BaseModel], row, *, but: Sequence[str] = ()) -> dict:
    return {k: row[k] for k in model.model_fields if k not in but}


# Persons

class Address(BaseModel):
    street: text(200)
    postal_code: text(20)
    city: text(100)


class PersonIn(BaseModel):
    # A JSON number is taken too, so that it is judged by the validator like any other input.
    pin: str | int = Field(description="personnummer or samordningsnummer, 10 or 12 digits")
    first_name: Name
    last_name: Name
    address: Address | None = None
    protected_identity: bool = Field(False, description="skyddade personuppgifter")


class PersonOut(BaseModel):
    id: UUID
    pin: str
    birth_date: date
    first_name: str
    last_name: str
    protected_identity: bool
    address: Address | None = Field(description="null when the person has none or it is withheld")
    address_withheld: bool = Field(description="true when the address exists but your role may not see it")

    @classmethod
    def of(cls, seen: PersonView) -> "PersonOut":
        row = seen.record
        has_address = row["street"] is not None
        address = Address(street=row["street"], postal_code=row["postal_code"], city=row["city"]) \
            if has_address and seen.address_shown else None
        return cls(address=address, address_withheld=has_address and not seen.address_shown,
                   **_fields(cls, row, but=("address", "address_withheld")))


class AddressGrantIn(BaseModel):
    grantee: str = Field(min_length=1, max_length=200, description="the token subject (sub) who may see the address")
    reason: str = Field(min_length=3, max_length=500, description="why: logged with every read under the grant")
    days: int = Field(30, ge=1, le=92, description="how long the grant lasts")


class AddressGrantOut(BaseModel):
    id: UUID
    person_id: UUID
    grantee: str
    unit: str
    reason: str
    granted_by: str
    granted_at: datetime
    valid_until: datetime
    revoked_by: str | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @classmethod
    def of(cls, row) -> "AddressGrantOut":
        return cls(**{k: row[k] for k in cls.model_fields})


class RevocationIn(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class PinSearchIn(BaseModel):
    """A search by personal identity number: in the body, so the number is in no URL."""
    # A JSON number is taken too, so that it is judged by the validator like any other input.
    pin: Annotated[str, Field(max_length=40)] | int = Field(
        description="personnummer or samordningsnummer, 10 or 12 digits")


class PersonSearchOut(BaseModel):
    pin: str = Field(description="the number as normalized by the validator")
    found: bool
    message: str
    items: list[PersonOut] = Field(description="the one person with the number, or none")

    @classmethod
    def of(cls, lookup: Lookup) -> "PersonSearchOut":
        if lookup.person is None:
            return cls(pin=lookup.pin, found=False, items=[],
                       message="the number is valid; no person with it is registered")
        return cls(pin=lookup.pin, found=True, items=[PersonOut.of(lookup.person)], message="one person found")


# Cases, investigations and decisions

class CaseIn(BaseModel):
    unit: Unit
    kind: CaseKind
    person_id: UUID = Field(description="the person the case is about (registered with POST /persons)")
    caseworker: Name | None = Field(None, description="the responsible caseworker (handläggare) of the unit, as"
                                                  " the token subject; left out: you")


class ReasonIn(BaseModel):
    reason: Reason


class CaseOut(BaseModel):
    id: UUID
    unit: str
    kind: CaseKind
    person_id: UUID | None
    status: CaseStatus
    opened_on: date
    opened_by: str
    caseworker: str = Field(description="the responsible caseworker (ansvarig handläggare)")
    closed_on: date | None
    close_reason: str | None
    removed_at: datetime | None = Field(None, description="set while support has the case removed")
    removed_by: str | None = None
    removal_reason: str | None = None

    @classmethod
    def of(cls, row) -> "CaseOut":
        return cls(**_fields(cls, row))


class RemovalOut(BaseModel):
    action: str
    reason: str
    by_whom: str
    at: datetime

    @classmethod
    def of(cls, row) -> "RemovalOut":
        return cls(**_fields(cls, row))


class InvestigationIn(BaseModel):
    started_on: Day | None = Field(None, description="defaults to today")


class InvestigationOut(BaseModel):
    id: UUID
    case_id: UUID
    started_on: date
    due_on: date | None = Field(description="for a child: four months after the start, moved off non-working"
                                            " days, or as extended; null for an adult (no statutory deadline)")
    started_by: str
    completed_on: date | None
    completed_by: str | None

    @classmethod
    def of(cls, row) -> "InvestigationOut":
        return cls(**_fields(cls, row))


class CommunicationIn(BaseModel):
    """Kommunicering of the basis for the decision with the person, before the decision."""
    communicated: bool
    communicated_on: Day | None = None
    method: CommunicationMethod | None = None
    not_communicated_reason: Reason | None = None

    def rule(self) -> Communication:
        return Communication(self.communicated, self.communicated_on, self.method, self.not_communicated_reason)


class DecisionIn(BaseModel):
    investigation_id: UUID | None = Field(None, description="the investigation of the case the decision rests on;"
                                                            " left out: the case's ongoing investigation")
    intervention: Annotated[str, Field(max_length=64, description="a code of the intervention catalogue"
                                                                  " (GET /interventions), e.g. home_help")]
    outcome: Outcome = Outcome.GRANTED
    reasons: text(20_000) | None = Field(None, description="skäl för beslutet (förvaltningslagen 32 §): required")
    legal_basis: text(500) | None = Field(None, description="lagrum, e.g. 4 kap. 1 § socialtjänstlagen (2025:400):"
                                                            " required")
    scope_amount: Decimal | None = Field(None, max_digits=12, decimal_places=2,
                                         description="the granted scope, in the intervention's unit"
                                                     " (hours per month, days, kronor)")
    valid_from: Day
    valid_to: Day | None = Field(None, description="none: until further notice")
    follow_up_on: Day | None = None
    communication: CommunicationIn

    def content(self) -> DecisionContent:
        return DecisionContent(
            investigation_id=self.investigation_id, intervention=self.intervention, outcome=self.outcome,
            reasons=self.reasons or "", legal_basis=self.legal_basis or "", scope_amount=self.scope_amount,
            valid_from=self.valid_from, valid_to=self.valid_to, follow_up_on=self.follow_up_on,
            communication=self.communication.rule())


DecisionStatus = Literal["in_force", "awaiting_approval", "refused"]


class DecisionOut(BaseModel):
    id: UUID
    case_id: UUID
    investigation_id: UUID
    outcome: Outcome
    intervention: str
    intervention_name: str | None = Field(description="the intervention's Swedish name from the catalogue")
    law: str | None = Field(description="SoL or LSS")
    reasons: str | None = Field(description="null only on decisions made before reasons were required")
    legal_basis: str | None
    scope_amount: Decimal | None
    scope_unit: str | None
    valid_from: date
    valid_to: date | None
    follow_up_on: date | None
    decided_on: date
    decided_by: str
    decided_by_name: str | None = Field(None, description="the maker's name in the staff directory; null when the"
                                                          " directory does not know the subject")
    decided_by_title: str | None = Field(None, description="the maker's title in the staff directory")
    decided_by_known: bool = Field(False, description="the staff directory knows the maker")
    appeal_instructions: str | None = Field(description="how to appeal, when the decision does not grant the"
                                                        " application in full")
    communication: CommunicationIn
    status: DecisionStatus = Field(description="in_force; awaiting_approval when above its maker's delegation"
                                               " (not carried out or ordered until approved); refused")
    required_level: Level = Field(description="the delegation level the decision needs (delegation.yaml)")
    approved_by: str | None
    approved_at: datetime | None
    refused_by: str | None
    refused_at: datetime | None
    refusal_reason: str | None

    @classmethod
    def of(cls, row) -> "DecisionOut":
        communication = CommunicationIn(communicated=row["communicated"], communicated_on=row["communicated_on"],
                                        method=row["communication_method"],
                                        not_communicated_reason=row["not_communicated_reason"])
        item = interventions.find(row["intervention"])
        return cls(communication=communication, intervention_name=item and item.name, law=item and item.law,
                   **_fields(cls, row, but=("communication", "intervention_name", "law")))


class RefusalIn(BaseModel):
    reason: Reason = Field(description="why the decision is not approved; stays in the registry")


class ExtensionIn(BaseModel):
    due_on: Day = Field(description="the new deadline")
    reason: Reason = Field(description="särskilda skäl (an investigation) or synnerliga skäl (an initial"
                                       " assessment)")


class ExtensionOut(BaseModel):
    previous_due_on: date
    due_on: date
    reason: str
    extended_by: str
    extended_at: datetime

    @classmethod
    def of(cls, row) -> "ExtensionOut":
        return cls(**_fields(cls, row))


class ExecutionIn(BaseModel):
    method: Method = Field(description="in_house (by the unit's own staff) or payment")
    executed_on: Day


class InterruptionIn(BaseModel):
    interrupted_on: Day
    reason_code: InterruptionReason


class ResumptionIn(BaseModel):
    resumed_on: Day


class DelayReasonIn(BaseModel):
    code: DelayReason
    declined_offer_on: Day | None = Field(None, description="the day the person declined an offer; only with"
                                                            " code declined_offer")


class ExecutionAction(BaseModel):
    action: Action
    on_date: date
    method: Method | None
    reason_code: str | None
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, row) -> "ExecutionAction":
        return cls(**_fields(cls, row))


class DelayReasonOut(BaseModel):
    code: DelayReason
    declined_offer_on: date | None
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, row) -> "DelayReasonOut":
        return cls(**_fields(cls, row))


class ExecutionOut(BaseModel):
    decision_id: UUID
    executed_on: date | None = Field(description="by the unit (in-house or payment); a provider's start is"
                                                 " recorded by orders")
    interrupted_on: date | None = Field(description="set while the carrying out is interrupted")
    actions: list[ExecutionAction]
    delay_reasons: list[DelayReasonOut]

    @classmethod
    def of(cls, execution: Execution) -> "ExecutionOut":
        state = execution.state
        return cls(decision_id=execution.decision["id"], executed_on=state.executed_on,
                   interrupted_on=state.interrupted_on, actions=[ExecutionAction.of(a) for a in execution.actions],
                   delay_reasons=[DelayReasonOut.of(r) for r in execution.delay_reasons])


class InterventionOut(BaseModel):
    code: str
    name: str
    law: str
    ivo_category: str
    scope_unit: str
    carried_out: str


# Inquiries

class InquiryIn(BaseModel):
    kind: InquiryKind
    person_id: UUID = Field(description="who the inquiry is about")
    unit: Unit
    received_on: Day
    summary: text(4000) | None = None


class ProtectionAssessmentIn(BaseModel):
    protection_needed: bool = Field(description="whether the child needs immediate protection")
    reasons: Reason


class AssessmentIn(BaseModel):
    outcome: AssessmentOutcome
    reasons: Reason
    assessed_on: Day | None = Field(None, description="defaults to today")


class InvestigationFromInquiryIn(BaseModel):
    case_id: UUID | None = Field(None, description="an existing case of the person; else a new case is opened")
    kind: CaseKind | None = Field(None, description="the kind of the new case")


class InquiryOut(BaseModel):
    id: UUID
    person_id: UUID
    unit: str
    kind: InquiryKind
    received_on: date
    summary: str | None
    recorded_by: str
    caseworker: str = Field(description="the responsible caseworker (ansvarig handläggare)")
    assessment_due_on: date | None = Field(description="null when no initial assessment is needed")
    assessment_overdue: bool
    assessed_on: date | None
    assessment_outcome: AssessmentOutcome | None
    assessment_reasons: str | None
    assessed_by: str | None
    assessment_recorded_at: datetime | None = Field(description="when the assessment was entered (the clock's)")
    protection_due_on: date | None = Field(description="the skyddsbedömning of a report about a child: the day it"
                                                       " came in; null otherwise")
    protection_needed: bool | None
    protection_reasons: str | None
    protection_assessed_by: str | None
    protection_assessed_at: datetime | None
    investigation_id: UUID | None

    @classmethod
    def of(cls, inquiry: InquiryView) -> "InquiryOut":
        return cls(assessment_overdue=inquiry.assessment_overdue,
                   **_fields(cls, inquiry.record, but=("assessment_overdue",)))


class InvestigationFromInquiryOut(BaseModel):
    inquiry: InquiryOut
    case_id: UUID
    investigation: InvestigationOut

    @classmethod
    def of(cls, made: InquiryInvestigation) -> "InvestigationFromInquiryOut":
        return cls(inquiry=InquiryOut.of(made.inquiry), case_id=made.case_id,
                   investigation=InvestigationOut.of(made.investigation))


# The occurrence search

class Occurrence(BaseModel):
    type: Literal["case"] = "case"
    id: UUID
    unit: str
    kind: str
    status: str
    opened_on: date
    closed_on: date | None

    @classmethod
    def of(cls, row) -> "Occurrence":
        return cls(**_fields(cls, row, but=("type",)))


class OccurrencesOut(BaseModel):
    pin: str = Field(description="the number as normalized by the validator")
    registered: bool = Field(description="whether a person with this number is in the registry")
    person_id: UUID | None
    scope: str = Field(description="'all units', or the one unit your role may search")
    found: bool = Field(description="whether this page has any occurrence")
    message: str
    items: list[Occurrence] = Field(description="the person's cases, newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")

    @classmethod
    def of(cls, found: Occurrences) -> "OccurrencesOut":
        return cls(pin=found.pin, registered=found.registered, person_id=found.person_id, scope=found.scope,
                   found=bool(found.cases), message=found.message, items=[Occurrence.of(r) for r in found.cases],
                   next_cursor=found.next_cursor)


# The access log

class AccessOut(BaseModel):
    event_id: UUID
    service: str = Field(description="the service that was read, as omsorg/<name>")
    actor: str
    actor_name: str | None = Field(None, description="the actor's name in the staff directory; null when unknown")
    actor_title: str | None = Field(None, description="the actor's title in the staff directory")
    actor_known: bool = Field(False, description="the staff directory knows the actor")
    roles: list[str]
    action: str
    resource: str
    person_id: UUID | None = Field(description="whose data; null for a search that found no one")
    reason: str | None
    at: datetime

    @classmethod
    def of(cls, row) -> "AccessOut":
        return cls(**_fields(cls, row))


class AuditOut(BaseModel):
    person_id: UUID | None = Field(None, description="the person whose log this is, when asked by person")
    actor: str | None = Field(None, description="the member of staff whose reads these are, when asked by actor")
    items: list[AccessOut] = Field(description="newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")

    @classmethod
    def of(cls, listed: Listed, *, person_id: UUID | None = None, actor: str | None = None) -> "AuditOut":
        rows, next_cursor = listed
        return cls(person_id=person_id, actor=actor, items=[AccessOut.of(r) for r in rows], next_cursor=next_cursor)


# A citizen's own view

class MyCase(BaseModel):
    id: UUID
    unit: str
    kind: CaseKind
    status: CaseStatus
    opened_on: date
    closed_on: date | None

    @classmethod
    def of(cls, row) -> "MyCase":
        return cls(**_fields(cls, row))


class MyDecision(BaseModel):
    """A decision as the person it is about reads it: with its reasons and how to appeal."""
    id: UUID
    case_id: UUID
    outcome: Outcome
    intervention: str
    intervention_name: str | None
    reasons: str | None
    legal_basis: str | None
    scope_amount: Decimal | None
    scope_unit: str | None
    valid_from: date
    valid_to: date | None
    decided_on: date
    appeal_instructions: str | None

    @classmethod
    def of(cls, row) -> "MyDecision":
        item = interventions.find(row["intervention"])
        return cls(intervention_name=item and item.name, **_fields(cls, row, but=("intervention_name",)))


# Import

class RowResult(BaseModel):
    line: int
    status: Literal["imported", "refused"]
    reasons: list[str] = []
    person_id: UUID | None = None
    person_created: bool = False
    case_id: UUID | None = None


class ImportReport(BaseModel):
    id: UUID
    rows: int
    imported: int
    refused: int
    results: list[RowResult]

    @classmethod
    def of(cls, report: imports.ImportReport) -> "ImportReport":
        return cls.model_validate(report, from_attributes=True)
