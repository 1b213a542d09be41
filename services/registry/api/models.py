"""The registry's request and response models, and how an answer is shaped from what a use case
returns. Field types that keep bad input a 422 are in `types`."""
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

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
from services.registry.usecases.case_record import CaseRecord
from services.registry.usecases.decisions import DecisionContent, Execution
from services.registry.usecases.inquiries import InquiryInvestigation, InquiryView
from services.registry.usecases.occurrences import Occurrences
from services.registry.usecases.persons import Lookup, PersonView
from shared import interventions
from shared.etag import etag, etag_header
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


# The ids and values the examples share, so that they tell one story: Tolvan Tolvansson (a
# Skatteverket test number) is granted home help; a report of concern about a child comes in.
PERSON_ID = "7d3e9f1a-2b4c-4d5e-8f6a-9b0c1d2e3f4a"
CHILD_ID = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
CASE_ID = "5c0a7e2d-91b4-4f36-8d2a-6e3b1f0c9a47"
CHILD_CASE_ID = "01958f0c-6d5e-7f4a-9b3c-2d1e0f9a8b7c"
INVESTIGATION_ID = "01958f10-2c3d-7e4f-8a5b-6c7d8e9f0a1b"
CHILD_INVESTIGATION_ID = "01958f21-3d4e-7f5a-9b6c-7d8e9f0a1b2c"
DECISION_ID = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
INQUIRY_ID = "01958e90-1a2b-7c3d-8e4f-5a6b7c8d9e0f"
ADDRESS = {"street": "Storgatan 12", "postal_code": "722 15", "city": "Västerås"}
PERSON = {"id": PERSON_ID, "pin": "191212121212", "birth_date": "1912-12-12", "first_name": "Tolvan",
          "last_name": "Tolvansson", "protected_identity": False, "address": ADDRESS, "address_withheld": False}
CASE = {"id": CASE_ID, "unit": "vuxen", "kind": "SoL", "person_id": PERSON_ID, "status": "open",
        "opened_on": "2026-02-23", "opened_by": "anna", "caseworker": "anna", "closed_on": None,
        "close_reason": None, "removed_at": None, "removed_by": None, "removal_reason": None}
INVESTIGATION = {"id": INVESTIGATION_ID, "case_id": CASE_ID, "started_on": "2026-02-23", "due_on": None,
                 "started_by": "anna", "completed_on": "2026-03-09", "completed_by": "anna"}
COMMUNICATION = {"communicated": True, "communicated_on": "2026-03-05", "method": "meeting",
                 "not_communicated_reason": None}
REASONS = ("Tolvan har efter ett fall svårt att klara inköp och matlagning på egen hand. Behovet kan inte"
           " tillgodoses på annat sätt och hon har rätt till bistånd i form av hemtjänst för att uppnå en"
           " skälig levnadsnivå.")
LEGAL_BASIS = "4 kap. 1 § socialtjänstlagen (2025:400)"
DECISION = {
    "id": DECISION_ID, "case_id": CASE_ID, "investigation_id": INVESTIGATION_ID, "outcome": "granted",
    "intervention": "home_help", "intervention_name": "Hemtjänst", "law": "SoL", "reasons": REASONS,
    "legal_basis": LEGAL_BASIS, "scope_amount": "24.00", "scope_unit": "hours_per_month",
    "valid_from": "2026-03-09", "valid_to": "2027-03-08", "follow_up_on": "2026-09-09", "decided_on": "2026-03-09",
    "decided_by": "anna", "decided_by_name": "Anna Andersson", "decided_by_title": "Biståndshandläggare",
    "decided_by_known": True, "appeal_instructions": None, "communication": COMMUNICATION, "status": "in_force",
    "required_level": "caseworker", "approved_by": None, "approved_at": None, "refused_by": None,
    "refused_at": None, "refusal_reason": None}
INQUIRY = {
    "id": INQUIRY_ID, "person_id": CHILD_ID, "unit": "barn", "kind": "report_of_concern",
    "received_on": "2026-03-02",
    "summary": "Orosanmälan från skolan: eleven har flera gånger kommit till skolan hungrig och berättar om bråk"
               " hemma.",
    "recorded_by": "karin", "caseworker": "karin", "assessment_due_on": "2026-03-16", "assessment_overdue": False,
    "assessed_on": None, "assessment_outcome": None, "assessment_reasons": None, "assessed_by": None,
    "assessment_recorded_at": None, "protection_due_on": "2026-03-02", "protection_needed": False,
    "protection_reasons": "Eleven har inte berättat om våld och går hem till sin mamma efter skolan.",
    "protection_assessed_by": "karin", "protection_assessed_at": "2026-03-02T13:40:00Z", "investigation_id": None}


# Persons

class Address(BaseModel):
    street: text(200)
    postal_code: text(20)
    city: text(100)


class PersonIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "pin": "19121212-1212", "first_name": "Tolvan", "last_name": "Tolvansson", "address": ADDRESS,
        "protected_identity": False}]})

    # A JSON number is taken too, so that it is judged by the validator like any other input.
    pin: str | int = Field(description="personnummer or samordningsnummer, 10 or 12 digits")
    first_name: Name
    last_name: Name
    address: Address | None = None
    protected_identity: bool = Field(False, description="skyddade personuppgifter")


class PersonOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PERSON]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "grantee": "anna", "days": 30,
        "reason": "Handlägger ansökan om hemtjänst och behöver boendeadressen för hembesök"}]})

    grantee: str = Field(min_length=1, max_length=200, description="the token subject (sub) who may see the address")
    reason: str = Field(min_length=3, max_length=500, description="why: logged with every read under the grant")
    days: int = Field(30, ge=1, le=92, description="how long the grant lasts")


class AddressGrantOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01959a01-7b6c-7d5e-8f4a-3b2c1d0e9f8a", "person_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
        "grantee": "anna", "unit": "vuxen",
        "reason": "Handlägger ansökan om hemtjänst och behöver boendeadressen för hembesök",
        "granted_by": "greta",
        "granted_at": "2026-03-02T08:30:00Z", "valid_until": "2026-04-01T08:30:00Z", "revoked_by": None,
        "revoked_at": None, "revoke_reason": None}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "Hembesöket är gjort; adressen behövs inte längre"}]})

    reason: str = Field(min_length=3, max_length=500)


class PinSearchIn(BaseModel):
    """A search by personal identity number: in the body, so the number is in no URL."""
    model_config = ConfigDict(json_schema_extra={"examples": [{"pin": "19121212-1212"}]})

    # A JSON number is taken too, so that it is judged by the validator like any other input.
    pin: Annotated[str, Field(max_length=40)] | int = Field(
        description="personnummer or samordningsnummer, 10 or 12 digits")


class PersonSearchOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "pin": "191212121212", "found": True, "message": "one person found", "items": [PERSON]}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "unit": "vuxen", "kind": "SoL", "person_id": PERSON_ID, "caseworker": "anna"}]})

    unit: Unit
    kind: CaseKind
    person_id: UUID = Field(description="the person the case is about (registered with POST /persons)")
    caseworker: Name | None = Field(None, description="the responsible caseworker (handläggare) of the unit, as"
                                                  " the token subject; left out: you")


class ReasonIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "Beslutet är verkställt och inget fortsatt behov av utredning finns"}]})

    reason: Reason


class CaseOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CASE]})

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


CASE_ETAG = etag_header("The case's revision: send it back in If-Match to close, remove, restore or hand"
                        " over exactly the case you read")


def tagged_case(row, response: Response) -> CaseOut:
    response.headers["ETag"] = etag(row["revision"])
    return CaseOut.of(row)


class RemovalOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "action": "removed", "reason": "Ärendet registrerades på fel person", "by_whom": "stina",
        "at": "2026-03-10T10:00:00Z"}]})

    action: str
    reason: str
    by_whom: str
    at: datetime

    @classmethod
    def of(cls, row) -> "RemovalOut":
        return cls(**_fields(cls, row))


class InvestigationIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"started_on": "2026-02-23"}]})

    started_on: Day | None = Field(None, description="defaults to today")


class InvestigationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [INVESTIGATION]})

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


INVESTIGATION_ETAG = etag_header("The investigation's revision: send it back in If-Match to extend or complete"
                                 " exactly the investigation you read")


def tagged_investigation(row, response: Response) -> InvestigationOut:
    response.headers["ETag"] = etag(row["revision"])
    return InvestigationOut.of(row)


class CommunicationIn(BaseModel):
    """Kommunicering of the basis for the decision with the person, before the decision."""
    communicated: bool
    communicated_on: Day | None = None
    method: CommunicationMethod | None = None
    not_communicated_reason: Reason | None = None

    def rule(self) -> Communication:
        return Communication(self.communicated, self.communicated_on, self.method, self.not_communicated_reason)


class DecisionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "investigation_id": INVESTIGATION_ID, "intervention": "home_help", "outcome": "granted", "reasons": REASONS,
        "legal_basis": LEGAL_BASIS, "scope_amount": 24, "valid_from": "2026-03-09", "valid_to": "2027-03-08",
        "follow_up_on": "2026-09-09", "communication": COMMUNICATION}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [DECISION]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "Omfattningen ska prövas på nytt efter hembesök med arbetsterapeut"}]})

    reason: Reason = Field(description="why the decision is not approved; stays in the registry")


class ExtensionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "due_on": "2026-08-31",
        "reason": "Barnpsykiatrins utlåtande kommer först i augusti och behövs för bedömningen"}]})

    due_on: Day = Field(description="the new deadline")
    reason: Reason = Field(description="särskilda skäl (an investigation) or synnerliga skäl (an initial"
                                       " assessment)")


class ExtensionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "previous_due_on": "2026-07-02", "due_on": "2026-08-31",
        "reason": "Barnpsykiatrins utlåtande kommer först i augusti och behövs för bedömningen",
        "extended_by": "karin", "extended_at": "2026-06-15T11:20:00Z"}]})

    previous_due_on: date
    due_on: date
    reason: str
    extended_by: str
    extended_at: datetime

    @classmethod
    def of(cls, row) -> "ExtensionOut":
        return cls(**_fields(cls, row))


class ExecutionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"method": "in_house", "executed_on": "2026-03-16"}]})

    method: Method = Field(description="in_house (by the unit's own staff) or payment")
    executed_on: Day


class InterruptionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "interrupted_on": "2026-05-04", "reason_code": "hospital_stay"}]})

    interrupted_on: Day
    reason_code: InterruptionReason


class ResumptionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"resumed_on": "2026-05-18"}]})

    resumed_on: Day


class DelayReasonIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "staff_shortage"}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "decision_id": DECISION_ID, "executed_on": "2026-03-16", "interrupted_on": None,
        "actions": [{"action": "executed", "on_date": "2026-03-16", "method": "in_house", "reason_code": None,
                     "recorded_by": "anna", "recorded_at": "2026-03-16T15:02:00Z"}],
        "delay_reasons": []}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "home_help", "name": "Hemtjänst", "law": "SoL", "ivo_category": "Hemtjänst",
        "scope_unit": "hours_per_month", "carried_out": "provider"}]})

    code: str
    name: str
    law: str
    ivo_category: str
    scope_unit: str
    carried_out: str


# Inquiries

class InquiryIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "report_of_concern", "person_id": CHILD_ID, "unit": "barn", "received_on": "2026-03-02",
        "summary": INQUIRY["summary"]}]})

    kind: InquiryKind
    person_id: UUID = Field(description="who the inquiry is about")
    unit: Unit
    received_on: Day
    summary: text(4000) | None = None


class ProtectionAssessmentIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "protection_needed": False, "reasons": INQUIRY["protection_reasons"]}]})

    protection_needed: bool = Field(description="whether the child needs immediate protection")
    reasons: Reason


class AssessmentIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "outcome": "open_investigation", "assessed_on": "2026-03-09",
        "reasons": "Uppgifterna om att eleven ofta är hungrig behöver utredas närmare"}]})

    outcome: AssessmentOutcome
    reasons: Reason
    assessed_on: Day | None = Field(None, description="defaults to today")


class InvestigationFromInquiryIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "SoL"}]})

    case_id: UUID | None = Field(None, description="an existing case of the person; else a new case is opened")
    kind: CaseKind | None = Field(None, description="the kind of the new case")


class InquiryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [INQUIRY]})

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


INQUIRY_ETAG = etag_header("The inquiry's revision: send it back in If-Match to assess, extend, hand over"
                           " or investigate exactly the inquiry you read")


def tagged_inquiry(view: InquiryView, response: Response) -> "InquiryOut":
    response.headers["ETag"] = etag(view.record["revision"])
    return InquiryOut.of(view)


class InvestigationFromInquiryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "inquiry": {**INQUIRY, "assessed_on": "2026-03-09", "assessment_outcome": "open_investigation",
                    "assessment_reasons": "Uppgifterna om att eleven ofta är hungrig behöver utredas närmare",
                    "assessed_by": "karin", "assessment_recorded_at": "2026-03-09T09:15:00Z",
                    "investigation_id": CHILD_INVESTIGATION_ID},
        "case_id": CHILD_CASE_ID,
        "investigation": {"id": CHILD_INVESTIGATION_ID, "case_id": CHILD_CASE_ID, "started_on": "2026-03-09",
                          "due_on": "2026-07-09", "started_by": "karin", "completed_on": None, "completed_by": None}}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "pin": "191212121212", "registered": True, "person_id": PERSON_ID, "scope": "all units", "found": True,
        "message": "1 occurrence(s) in all units",
        "items": [{"type": "case", "id": CASE_ID, "unit": "vuxen", "kind": "SoL", "status": "open",
                   "opened_on": "2026-02-23", "closed_on": None}],
        "next_cursor": None}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "person_id": PERSON_ID, "actor": None,
        "items": [{"event_id": "01959b22-4c5d-7e6f-8a7b-9c0d1e2f3a4b", "service": "omsorg/journal", "actor": "anna",
                   "actor_name": "Anna Andersson", "actor_title": "Biståndshandläggare", "actor_known": True,
                   "roles": ["caseworker"], "action": "read", "resource": f"case/{CASE_ID}/notes",
                   "person_id": PERSON_ID, "reason": None, "at": "2026-03-03T14:40:12Z"}],
        "next_cursor": None}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": CASE_ID, "unit": "vuxen", "kind": "SoL", "status": "open", "opened_on": "2026-02-23",
        "closed_on": None}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": DECISION_ID, "case_id": CASE_ID, "outcome": "granted", "intervention": "home_help",
        "intervention_name": "Hemtjänst", "reasons": REASONS, "legal_basis": LEGAL_BASIS, "scope_amount": "24.00",
        "scope_unit": "hours_per_month", "valid_from": "2026-03-09", "valid_to": "2027-03-08",
        "decided_on": "2026-03-09", "appeal_instructions": None}]})
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



class CaseRecordOut(BaseModel):
    """The case with what is recorded in it, each list's first page: the lists' own routes
    (`GET /cases/{case_id}/inquiries`, `/investigations`, `/decisions`) go on from `next_cursor`."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "case": CASE, "person": PERSON, "inquiries": {"items": [INQUIRY], "next_cursor": None},
        "investigations": {"items": [INVESTIGATION], "next_cursor": None},
        "decisions": {"items": [DECISION], "next_cursor": None}}]})

    case: CaseOut
    person: PersonOut | None = Field(description="null when the case names no person or your role may not"
                                                 " read persons (an object specialist)")
    inquiries: Page[InquiryOut]
    investigations: Page[InvestigationOut]
    decisions: Page[DecisionOut]

    @classmethod
    def of(cls, record: CaseRecord) -> "CaseRecordOut":
        return cls(case=CaseOut.of(record.case),
                   person=PersonOut.of(record.person) if record.person is not None else None,
                   inquiries=page(InquiryOut, record.inquiries),
                   investigations=page(InvestigationOut, record.investigations),
                   decisions=page(DecisionOut, record.decisions))


# Import

class RowResult(BaseModel):
    line: int
    status: Literal["imported", "refused"]
    reasons: list[str] = []
    person_id: UUID | None = None
    person_created: bool = False
    case_id: UUID | None = None


class ImportReport(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01959c40-1d2e-7f3a-8b4c-5d6e7f8a9b0c", "rows": 2, "imported": 1, "refused": 1,
        "results": [{"line": 2, "status": "imported", "reasons": [], "person_id": PERSON_ID, "person_created": True,
                     "case_id": CASE_ID},
                    {"line": 3, "status": "refused", "reasons": ["the case is closed: closed cases are not imported"],
                     "person_id": None, "person_created": False, "case_id": None}]}]})

    id: UUID
    rows: int
    imported: int
    refused: int
    results: list[RowResult]

    @classmethod
    def of(cls, report: imports.ImportReport) -> "ImportReport":
        return cls.model_validate(report, from_attributes=True)
