"""Events on audit.access: every read of a person's data."""
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from shared.events.types import event_type


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
