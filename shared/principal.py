"""Who is asking: the roles Omsorg knows and the principal a token names. No framework here."""
from pydantic import BaseModel

ROLES = (
    "caseworker",         # handläggare, in a unit
    "supervisor",         # gruppchef
    "object_specialist",  # objektspecialist
    "support",            # first line
    "family_law",         # familjerätt
    "provider_user",      # utförare, scoped to one provider
    "citizen",            # scoped to their own identity
    "service",            # service accounts
)


class Principal(BaseModel):
    sub: str
    roles: list[str]
    unit: str | None = None
    provider_id: str | None = None
    pin: str | None = None
