"""HTTP routes for the caseworker's day: the intake queue, my or the unit's open cases, a person's
decisions in force and the unit's overview per caseworker."""
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from services.registry.api.models import CASE_ID, CHILD_ID, DECISION_ID, INQUIRY_ID, INVESTIGATION_ID, PERSON_ID
from services.registry.api.types import Name
from services.registry.domain import worklists as rules
from services.registry.domain.cases import CaseKind
from services.registry.domain.inquiries import InquiryKind
from services.registry.domain.process import Outcome
from services.registry.domain.worklists import Scope
from services.registry.usecases import worklists
from shared import interventions
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.openapi import service_router

router = service_router(tags=["worklists"])

UnitQuery = Annotated[Name | None, Query(description="Your own unit (the default)")]


class IntakeItem(BaseModel):
    id: UUID
    person_id: UUID
    kind: InquiryKind
    received_on: date
    protection_due_on: date | None = Field(description="the skyddsbedömning of a report about a child: the day"
                                                       " it came in")
    protection_assessed: bool
    assessment_due_on: date | None = Field(description="the förhandsbedömning of a report about a child: 14 days")
    overdue: bool = Field(description="the protection assessment or the initial assessment is past its day")
    caseworker: str = Field(description="the responsible caseworker")

    @classmethod
    def of(cls, row, today: date) -> "IntakeItem":
        protection_assessed = row["protection_assessed_at"] is not None
        late = rules.overdue(row["assessment_due_on"], today) or \
            (not protection_assessed and rules.overdue(row["protection_due_on"], today))
        return cls(protection_assessed=protection_assessed, overdue=late,
                   **{k: row[k] for k in cls.model_fields if k not in ("protection_assessed", "overdue")})


class IntakePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "today": "2026-03-04", "unit": "barn",
        "items": [{"id": INQUIRY_ID, "person_id": CHILD_ID, "kind": "report_of_concern", "received_on": "2026-03-02",
                   "protection_due_on": "2026-03-02", "protection_assessed": True, "assessment_due_on": "2026-03-16",
                   "overdue": False, "caseworker": "karin"}],
        "next_cursor": None}]})

    today: date = Field(description="the Swedish date the flags are judged by")
    unit: str
    items: list[IntakeItem] = Field(description="reports about a child first by assessment due date, then the"
                                                " others oldest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class CaseItem(BaseModel):
    id: UUID
    person_id: UUID | None
    kind: CaseKind
    opened_on: date
    caseworker: str = Field(description="the responsible caseworker")
    ongoing_investigation_id: UUID | None
    investigation_due_on: date | None = Field(description="the ongoing investigation's due date; null when none"
                                                          " is ongoing or it has no statutory deadline")
    overdue: bool
    at_risk: bool = Field(description=f"due within {rules.AT_RISK_DAYS} days and not passed")

    @classmethod
    def of(cls, row, today: date) -> "CaseItem":
        due = row["ongoing_due_on"]
        return cls(id=row["id"], person_id=row["person_id"], kind=row["kind"], opened_on=row["opened_on"],
                   caseworker=row["caseworker"], ongoing_investigation_id=row["ongoing_investigation_id"],
                   investigation_due_on=due, overdue=rules.overdue(due, today), at_risk=rules.at_risk(due, today))


class CasePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "today": "2026-03-04", "unit": "vuxen",
        "items": [{"id": CASE_ID, "person_id": PERSON_ID, "kind": "SoL", "opened_on": "2026-02-23",
                   "caseworker": "anna",
                   "ongoing_investigation_id": INVESTIGATION_ID, "investigation_due_on": None, "overdue": False,
                   "at_risk": False}],
        "next_cursor": None}]})

    today: date
    unit: str
    items: list[CaseItem] = Field(description="by the deadline at risk (none last), then opened_on")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class DecisionInForce(BaseModel):
    id: UUID
    case_id: UUID
    unit: str
    case_status: str
    outcome: Outcome
    intervention: str
    intervention_name: str | None = Field(description="the intervention's Swedish name from the catalogue")
    scope_amount: Decimal | None
    scope_unit: str | None
    valid_from: date
    valid_to: date | None = Field(description="null: until further notice")
    decided_on: date
    follow_up_on: date | None

    @classmethod
    def of(cls, row) -> "DecisionInForce":
        item = interventions.find(row["intervention"])
        return cls(intervention_name=item and item.name,
                   **{k: row[k] for k in cls.model_fields if k != "intervention_name"})


class DecisionsInForcePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "today": "2026-03-16",
        "items": [{"id": DECISION_ID, "case_id": CASE_ID, "unit": "vuxen", "case_status": "open", "outcome": "granted",
                   "intervention": "home_help", "intervention_name": "Hemtjänst", "scope_amount": "24.00",
                   "scope_unit": "hours_per_month", "valid_from": "2026-03-09", "valid_to": "2027-03-08",
                   "decided_on": "2026-03-09", "follow_up_on": "2026-09-09"}],
        "next_cursor": None}]})

    today: date = Field(description="the Swedish date the decisions are in force on")
    items: list[DecisionInForce]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class CaseworkerLoad(BaseModel):
    caseworker: str
    open_cases: int
    open_inquiries: int = Field(description="not assessed and not led to an investigation")
    investigations_overdue: int
    investigations_at_risk: int = Field(description=f"due within {rules.AT_RISK_DAYS} days")
    assessments_overdue: int
    assessments_at_risk: int
    protections_overdue: int
    decisions_awaiting_approval: int = Field(description="decisions this caseworker made above their delegation,"
                                                         " waiting for approval")
    unsigned_notes_overdue: int = Field(description=f"journal notes this caseworker wrote or corrected in the"
                                                    f" unit's cases, unsigned for more than"
                                                    f" {rules.UNSIGNED_NOTE_DAYS} days")

    @classmethod
    def of(cls, row) -> "CaseworkerLoad":
        return cls(**dict(row))


class UnitOverview(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "today": "2026-03-16", "unit": "vuxen", "at_risk_days": rules.AT_RISK_DAYS,
        "items": [{"caseworker": "anna", "open_cases": 23, "open_inquiries": 4, "investigations_overdue": 0,
                   "investigations_at_risk": 1, "assessments_overdue": 0, "assessments_at_risk": 0,
                   "protections_overdue": 0, "decisions_awaiting_approval": 1, "unsigned_notes_overdue": 2}],
        "next_cursor": None}]})

    today: date
    unit: str
    at_risk_days: int = rules.AT_RISK_DAYS
    items: list[CaseworkerLoad] = Field(description="per responsible caseworker, by name")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


@router.get("/worklists/intake", response_model=IntakePage,
            summary="The unit's intake queue (inkorg): inquiries not yet assessed, reports about a child first")
async def intake(uow: UnitOfWorkDep, paging: PageDep, user: Grant = allow("registry:worklist.read"),
                 unit: UnitQuery = None, kind: InquiryKind | None = None) -> IntakePage:
    """The unit's intake queue (inkorg): inquiries not yet assessed and not led to an
    investigation; reports about a child first by their assessment due date, then the others
    oldest first, each flagged when a deadline has passed. The caller's own unit by default.
    Caseworkers and supervisors of the unit (403 `other_unit`, `no_unit`)."""
    found = await worklists.intake(uow, user, unit=unit, kind=kind, limit=paging.limit, cursor=paging.cursor)
    return IntakePage(today=found.today, unit=found.unit, items=[IntakeItem.of(r, found.today) for r in found.items],
                      next_cursor=found.next_cursor)


@router.get("/worklists/cases", response_model=CasePage,
            summary="Open cases, mine or the unit's, by the deadline at risk")
async def open_cases(uow: UnitOfWorkDep, paging: PageDep, user: Grant = allow("registry:worklist.read"),
                     scope: Scope = Scope.MINE, unit: UnitQuery = None,
                     caseworker: Annotated[Name | None, Query(description="with scope=unit: one caseworker's")] = None,
                     status: Literal["open"] = "open") -> CasePage:
    """Open cases of the unit by the ongoing investigation's deadline (none last): `scope=mine`
    (the default) those the caller is responsible for, `scope=unit` the unit's, or one
    caseworker's with `caseworker`. Each flagged overdue or at risk. Caseworkers and supervisors
    of the unit; 422 `scope_mine_is_yours` for scope=mine with another caseworker. The read is in
    the access log."""
    found = await worklists.cases(uow, user, scope=scope, unit=unit, caseworker=caseworker, limit=paging.limit,
                                  cursor=paging.cursor)
    return CasePage(today=found.today, unit=found.unit, items=[CaseItem.of(r, found.today) for r in found.items],
                    next_cursor=found.next_cursor)


@router.get("/persons/{person_id}/decisions-in-force", response_model=DecisionsInForcePage,
            summary="The person's decisions in force today (gällande beslut), in the cases you may read")
async def decisions_in_force(person_id: UUID, uow: UnitOfWorkDep, paging: PageDep,
                             user: Grant = allow("registry:case.read")) -> DecisionsInForcePage:
    """The person's decisions in force today (gällande beslut), granting in whole or part, in
    the cases the caller may read: what the person has been granted, to what extent and until
    when. Who may call it as for reading cases; the read is in the access log. 404
    `person_not_found`."""
    found = await worklists.decisions_in_force(uow, user, person_id, limit=paging.limit, cursor=paging.cursor)
    return DecisionsInForcePage(today=found.today, items=[DecisionInForce.of(r) for r in found.items],
                                next_cursor=found.next_cursor)


@router.get("/worklists/unit-overview", response_model=UnitOverview,
            summary="The unit's caseload and deadlines per caseworker (supervisor)")
async def unit_overview(uow: UnitOfWorkDep, paging: PageDep, user: Grant = allow("registry:unit_overview.read"),
                        unit: UnitQuery = None) -> UnitOverview:
    """Per responsible caseworker of the unit: open cases and inquiries, deadlines passed and at
    risk, decisions awaiting approval and journal notes long unsigned; counts only, no person.
    Supervisors of their own unit (403 `other_unit`, `no_unit`)."""
    found = await worklists.unit_overview(uow, user, unit=unit, limit=paging.limit, cursor=paging.cursor)
    return UnitOverview(today=found.today, unit=found.unit, items=[CaseworkerLoad.of(r) for r in found.items],
                        next_cursor=found.next_cursor)
