"""Events on audit.access: every read of a person's data."""
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type


@event_type("access.logged", "audit.access")
class AccessLogged(BaseModel):
    """A read of a person's data: who, what, when, why (loggkontroll). One event per read: a
    list that shows several persons is one event naming them all in `person_ids`, and each of
    them finds it in their own log."""
    actor: str
    roles: list[str]
    action: str
    resource: str
    person_id: UUID | None = Field(default=None, description="The person, when the read shows exactly one")
    person_ids: list[UUID] = Field(default_factory=list,
                                   description="Every person the read shows (also the one of `person_id`)")
    reason: str | None = None
    at: datetime
