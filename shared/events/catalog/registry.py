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
    """En utredning har inletts; den ska vara klar senast due_on (fyra månader)."""
    case_id: UUID
    investigation_id: UUID
    unit: str
    person_id: UUID | None = None
    started_on: date
    due_on: date
    started_by: str


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
    intervention: str
    outcome: str = "granted"          # granted, partly_granted or rejected (avslag): nothing to order
    valid_from: date
    valid_to: date | None = None      # None: until further notice (tills vidare)
    follow_up_on: date | None = None
    decided_on: date
    decided_by: str


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
    recorded_by: str


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
