"""Who may do what in orders. The policy is data, so a test can state it and read it."""
from enum import StrEnum
from uuid import UUID

from shared.auth import Principal
from shared.problems import Problem


class Use(StrEnum):
    REGISTER_PROVIDER = "register_provider"
    LIST_PROVIDERS = "list_providers"
    ORDER = "order"                # create, change, send, recall, redirect, read
    PROVIDER_INBOX = "provider_inbox"
    REIMBURSEMENT = "reimbursement"


MAY: dict[Use, tuple[str, ...]] = {
    Use.REGISTER_PROVIDER: ("object_specialist", "supervisor"),
    Use.LIST_PROVIDERS: ("caseworker", "supervisor", "object_specialist"),
    Use.ORDER: ("caseworker", "supervisor"),
    Use.PROVIDER_INBOX: ("provider_user",),
    # A provider reads its own basis; object specialists and supervisors every provider's.
    Use.REIMBURSEMENT: ("object_specialist", "supervisor", "provider_user"),
}


def ensure_unit(user: Principal, unit: str) -> None:
    """A caseworker orders in their own unit only; a supervisor in any."""
    if not user.has_any("supervisor") and user.unit != unit:
        raise Problem(403, "other_unit", "The case belongs to another unit",
                      f"your unit is {user.unit!r}; the case is in {unit!r}")


def provider_of(user: Principal) -> UUID | None:
    """The provider a provider user acts for; None if the token names no valid one."""
    try:
        return UUID(user.provider_id) if user.provider_id else None
    except ValueError:
        return None


def ensure_own_provider(user: Principal, provider_id: UUID) -> None:
    """Staff see every provider's basis; a provider user only its own."""
    if user.has_any("object_specialist", "supervisor"):
        return
    if provider_of(user) != provider_id:
        raise Problem(403, "other_provider", "This is another provider's basis",
                      "a provider user sees only its own provider's reimbursement basis")
