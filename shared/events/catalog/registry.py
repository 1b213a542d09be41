"""Events on registry.events (socialregister)."""
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel

from shared.events.types import event_type


@event_type("case.opened", "registry.events")
class CaseOpened(BaseModel):
    """Ett ärende har öppnats."""
    case_id: UUID
    unit: str
    kind: str
    person_id: UUID | None = None
    opened_on: date


@event_type("case.closed", "registry.events")
class CaseClosed(BaseModel):
    """Ett ärende har avslutats."""
    case_id: UUID
    reason: str
    closed_on: date


@event_type("case.removed", "registry.events")
class CaseRemoved(BaseModel):
    """Ett ärende har tagits bort av support (mjuk borttagning, kan återställas)."""
    case_id: UUID
    reason: str
    removed_by: str
    removed_at: datetime


@event_type("case.restored", "registry.events")
class CaseRestored(BaseModel):
    """Ett borttaget ärende har återställts."""
    case_id: UUID
    reason: str
    restored_by: str
    restored_at: datetime
