"""Events on registry.events (socialregister)."""
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type


@event_type("case.opened", "registry.events")
class CaseOpened(BaseModel):
    """Ett ärende har öppnats."""
    case_id: UUID
    unit: str
    kind: str
    person_id: UUID | None = None
    opened_on: date
    person_ref: str | None = Field(None, description="HMAC-SHA256 of the person's number (shared/pin.py"
                                                     " person_ref), for services that must recognize a citizen")
    caseworker: str | None = Field(None, description="the responsible caseworker (handläggare): the opener"
                                                     " unless said otherwise")


@event_type("case.closed", "registry.events")
class CaseClosed(BaseModel):
    """Ett ärende har avslutats. `closed_at` is the moment: what others learn of the case later
    (a delivery report that raced the close) is judged by it, not by when the event arrived."""
    case_id: UUID
    closed_on: date
    closed_at: datetime | None = None


@event_type("case.removed", "registry.events")
class CaseRemoved(BaseModel):
    """Ett ärende har tagits bort av support (mjuk borttagning, kan återställas)."""
    case_id: UUID
    removed_by: str
    removed_at: datetime


@event_type("case.restored", "registry.events")
class CaseRestored(BaseModel):
    """Ett borttaget ärende har återställts."""
    case_id: UUID
    restored_by: str
    restored_at: datetime


@event_type("investigation.started", "registry.events")
class InvestigationStarted(BaseModel):
    """En utredning har inletts. due_on: an investigation about a child is finished by then (four
    months, moved off non-working days); null for an adult's, which has no statutory deadline."""
    case_id: UUID
    investigation_id: UUID
    unit: str
    person_id: UUID | None = None
    started_on: date
    due_on: date | None = None
    started_by: str


@event_type("investigation.extended", "registry.events")
class InvestigationExtended(BaseModel):
    """Utredningstiden har förlängts (särskilda skäl): the investigation is now due on due_on.
    The reason stays in the registry."""
    case_id: UUID
    investigation_id: UUID
    unit: str
    previous_due_on: date
    due_on: date
    extended_by: str


@event_type("investigation.completed", "registry.events")
class InvestigationCompleted(BaseModel):
    """En utredning är avslutad."""
    case_id: UUID
    investigation_id: UUID
    unit: str
    completed_on: date
    completed_by: str


@event_type("decision.made", "registry.events")
class DecisionMade(BaseModel):
    """Ett beslut har fattats: what orders may order against and watch follows up."""
    case_id: UUID
    decision_id: UUID
    unit: str
    person_id: UUID | None = None
    intervention: str = Field(description="a code of the intervention catalogue (GET /interventions)")
    outcome: str = "granted"          # granted, partly_granted or rejected (avslag): nothing to order
    valid_from: date
    valid_to: date | None = None      # None: until further notice (tills vidare)
    follow_up_on: date | None = None
    decided_on: date
    decided_by: str
    investigation_id: UUID | None = Field(None, description="the investigation the decision rests on")
    scope_amount: float | None = Field(None, description="the granted scope, in scope_unit")
    scope_unit: str | None = Field(None, description="hours_per_month, days or amount_sek")
    gender: str | None = Field(None, description="female or male, from the personal identity number:"
                                                 " the report to IVO counts by gender")
    birth_year: int | None = Field(None, description="the person's year of birth, for the report to IVO")
    about_child: bool | None = Field(None, description="the person is under 18 on the day of the decision:"
                                                       " a placement of a child is reviewed every six months")
    person_ref: str | None = Field(None, description="as on case.opened: lets orders and the journal match a"
                                                     " citizen to the decision")
    status: str = Field("in_force", description="in_force, or awaiting_approval when the decision is above"
                                                " its maker's delegation (then decision.approved or"
                                                " decision.refused follows)")


@event_type("decision.executed", "registry.events")
class DecisionExecuted(BaseModel):
    """Ett beslut har verkställts i egen regi eller genom utbetalning (a provider's start comes
    as order.started)."""
    case_id: UUID
    decision_id: UUID
    unit: str
    method: str                      # in_house or payment
    executed_on: date
    recorded_by: str


@event_type("decision.interrupted", "registry.events")
class DecisionInterrupted(BaseModel):
    """Verkställigheten av ett beslut har avbrutits (avbrott)."""
    case_id: UUID
    decision_id: UUID
    unit: str
    interrupted_on: date
    reason_code: str
    recorded_by: str


@event_type("decision.resumed", "registry.events")
class DecisionResumed(BaseModel):
    """Verkställigheten av ett avbrutet beslut har återupptagits."""
    case_id: UUID
    decision_id: UUID
    unit: str
    resumed_on: date
    recorded_by: str


@event_type("decision.delay_reason_recorded", "registry.events")
class DecisionDelayReasonRecorded(BaseModel):
    """Skäl till att ett beslut inte verkställts, as a code (for the report to IVO)."""
    case_id: UUID
    decision_id: UUID
    unit: str
    code: str
    declined_offer_on: date | None = None
    recorded_by: str


@event_type("inquiry.received", "registry.events")
class InquiryReceived(BaseModel):
    """En aktualisering har tagits emot (ansökan, anmälan eller övrig information).

    Keyed by the inquiry id. assessment_due_on is set for a report about a child: the
    initial assessment (förhandsbedömning) is due then, 14 days after receipt.
    """
    inquiry_id: UUID
    person_id: UUID
    unit: str
    kind: str
    received_on: date
    assessment_due_on: date | None = None
    protection_due_on: date | None = Field(None, description="for a report about a child: the protection"
                                                             " assessment (skyddsbedömning) is due that day")
    recorded_by: str


@event_type("inquiry.protection_assessed", "registry.events")
class InquiryProtectionAssessed(BaseModel):
    """En skyddsbedömning är gjord: whether the child needs immediate protection. assessed_at is the
    moment it was recorded (the clock's), not a stated date."""
    inquiry_id: UUID
    person_id: UUID
    unit: str
    protection_needed: bool
    assessed_at: datetime
    late: bool
    assessed_by: str


@event_type("inquiry.assessment_extended", "registry.events")
class InquiryAssessmentExtended(BaseModel):
    """Tiden för förhandsbedömningen har förlängts (synnerliga skäl); the reason stays in the registry."""
    inquiry_id: UUID
    unit: str
    previous_due_on: date
    due_on: date
    extended_by: str


@event_type("inquiry.assessed", "registry.events")
class InquiryAssessed(BaseModel):
    """En förhandsbedömning är gjord: inleda utredning eller inte, med skäl."""
    inquiry_id: UUID
    person_id: UUID
    unit: str
    outcome: str
    assessed_on: date
    due_on: date
    late: bool
    assessed_by: str


# The staff directory, responsibility and delegation (the caseworker's day)

@event_type("staff.changed", "registry.events")
class StaffChanged(BaseModel):
    """En medarbetare i personalkatalogen har lagts till eller ändrats: the whole entry as it now
    stands. Keyed by the subject, so one member's changes arrive in order."""
    subject: str = Field(description="the token's `sub` of the member of staff")
    name: str
    title: str | None = None
    unit: str
    email: str | None = Field(None, description="where escalations and reminders are e-mailed")
    supervisor: str | None = Field(None, description="the subject of the member's own supervisor")
    delegation_level: str = Field(description="caseworker, supervisor or committee (delegation order)")
    active_from: date
    active_to: date | None = None
    changed_by: str
    changed_at: datetime


@event_type("case.reassigned", "registry.events")
class CaseReassigned(BaseModel):
    """Ett ärende har fått en ny ansvarig handläggare. Its open and future watches follow the case.
    The reason stays in the registry."""
    case_id: UUID
    unit: str
    previous_caseworker: str | None = None
    caseworker: str
    reassigned_by: str
    reassigned_at: datetime


@event_type("inquiry.reassigned", "registry.events")
class InquiryReassigned(BaseModel):
    """En aktualisering har fått en ny ansvarig handläggare."""
    inquiry_id: UUID
    unit: str
    previous_caseworker: str | None = None
    caseworker: str
    reassigned_by: str
    reassigned_at: datetime


@event_type("cover.granted", "registry.events")
class CoverGranted(BaseModel):
    """En ersättare har utsetts: `cover` sees and receives `absent`'s watches from `from_date` to
    `to_date` (Swedish dates, both included), and no longer. Keyed by the absent subject."""
    cover_id: UUID
    unit: str
    absent: str
    cover: str
    from_date: date
    to_date: date
    granted_by: str
    granted_at: datetime


@event_type("cover.ended", "registry.events")
class CoverEnded(BaseModel):
    """Ett ersättarskap har avslutats i förtid (the absent member is back)."""
    cover_id: UUID
    unit: str
    absent: str
    cover: str
    ended_on: date
    ended_by: str


@event_type("decision.approved", "registry.events")
class DecisionApproved(BaseModel):
    """Ett beslut över handläggarens delegation har godkänts: it is now in force and orderable."""
    case_id: UUID
    decision_id: UUID
    unit: str
    approved_by: str
    approved_at: datetime


@event_type("decision.refused", "registry.events")
class DecisionRefused(BaseModel):
    """Ett beslut över handläggarens delegation har inte godkänts: it never comes into force.
    The reason stays in the registry."""
    case_id: UUID
    decision_id: UUID
    unit: str
    refused_by: str
    refused_at: datetime


@event_type("case.person_ref_set", "registry.events")
class CasePersonRefSet(BaseModel):
    """Ett ärendes person_ref har satts: for a case opened before `case.opened` carried it, so that
    orders and the journal can show the person their own orders and notes. Keyed by the case."""
    case_id: UUID
    person_ref: str


@event_type("case.person_moved", "registry.events")
class CasePersonMoved(BaseModel):
    """Ett ärende har flyttats till rätt person: the case was registered under the wrong person and
    support moved it, with everything under it, to the right one; the services that keep the
    case's person (journal, orders) follow. Keyed by the case, so it comes after `case.opened`."""
    case_id: UUID
    person_id: UUID = Field(description="the right person, whom the case is about from now on")
    person_ref: str = Field(description="HMAC-SHA256 of the right person's number (shared/pin.py person_ref)")
    moved_at: datetime


@event_type("person.culling_approved", "registry.events")
class PersonCullingApproved(BaseModel):
    """Gallring av en persons uppgifter har godkänts: every service culls what it holds about the
    person (by `person_id`, by `person_ref` where it knows the person only by that, and by the
    person's `case_ids` and `inquiry_ids` where it knows only those) and
    confirms with its own event naming `culling_id`. Keyed by the person. Carries the rule, never
    what is culled. A person registered by mistake is removed by the same event (rule
    `registered_by_mistake`), at once, with no due date."""
    culling_id: UUID
    person_id: UUID
    person_ref: str = Field(description="HMAC-SHA256 of the person's number (shared/pin.py person_ref)")
    rule_id: str = Field(description="the rule of services/registry/domain/retention.yaml that made them due, or"
                                      " registered_by_mistake: support removes a person registered by mistake")
    approved_by: str
    approved_at: datetime
    case_ids: list[UUID] = Field(default_factory=list, description="the person's cases in the registry, for the"
                                                                   " services that know a case but not its person")
    inquiry_ids: list[UUID] = Field(default_factory=list, description="the person's inquiries in the registry")


@event_type("retention.due_found", "registry.events")
class RetentionDueFound(BaseModel):
    """Den dagliga sökningen efter gallringsbara personakter har hittat personer: the registry's
    daily search (a durable timer, once a day from 06:00) found persons due for culling; the watch
    raises a watch for the object specialists. Keyed by the day. A count, never whom."""
    day: date
    due: int = Field(ge=1, description="persons due for culling on `day` (GET /retention/dry-run lists them)")
    official: str | None = Field(description="the official (sub) named to see to it (OMSORG_RETENTION_OFFICIAL);"
                                             " null: any object specialist")
    searched_at: datetime
