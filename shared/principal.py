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


def check_token_subject(roles: list[str], *, provider_id: str | None, pin: str | None) -> None:
    """What a token for someone must hold, whoever signs it (ValueError otherwise): known roles, a
    provider user's provider, a citizen's personal identity number."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; known: {', '.join(ROLES)}")
    if "provider_user" in roles and not provider_id:
        raise ValueError("a provider user needs a provider id")
    if "citizen" in roles and not pin:
        raise ValueError("a citizen needs a personal identity number")


class Principal(BaseModel):
    sub: str
    roles: list[str]
    unit: str | None = None
    provider_id: str | None = None
    pin: str | None = None
