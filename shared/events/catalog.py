"""Every event type other services and municipal systems may rely on.

Grouped by the producing service's topic. Consumers ignore fields they do not know,
so adding an optional field is a compatible change; removing or renaming one is not.
"""
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel

from shared.events.types import event_type


# --- registry.events -------------------------------------------------------------------

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


# --- audit.access ----------------------------------------------------------------------

@event_type("access.logged", "audit.access")
class AccessLogged(BaseModel):
    """A read of a person's data: who, what, when, why (loggkontroll)."""
    actor: str
    roles: list[str]
    action: str
    resource: str
    person_id: UUID | None = None
    reason: str | None = None
    at: datetime
