"""What a service that keeps a read model of the registry's cases answers about a case it cannot
act on, the same in every service. No framework here.

- not known (its `case.opened` has not arrived, or there is no such case): 409 `case_not_known`,
  which a client may retry, since the event may still be on its way;
- removed by support: 410 `case_removed`;
- closed, for anything that would change it: 409 `case_closed`.
"""
from dataclasses import dataclass
from uuid import UUID

from shared import errors


@dataclass(frozen=True)
class CaseState:
    """A service's view of a registry case (ärende), kept from the registry's events."""
    unit: str
    open: bool
    removed: bool


def not_known(case_id: UUID | str) -> errors.DomainError:
    """The answer for a case this service does not know, and for one it may not show the asker
    (another unit's): the two must not be told apart."""
    return errors.conflict("case_not_known", "The case is not known here (yet)",
                           f"no case {case_id} has been opened in the registry, or its opening has not"
                           " arrived yet; retry in a moment")


def ensure_case_known(case: CaseState | None, case_id: UUID | str) -> CaseState:
    if case is None:
        raise not_known(case_id)
    if case.removed:
        raise errors.gone("case_removed", "The case has been removed")
    return case


def ensure_case_open(case: CaseState | None, case_id: UUID | str) -> CaseState:
    """For anything that would add to the case (a note, an order, a delivery...)."""
    case = ensure_case_known(case, case_id)
    if not case.open:
        raise errors.conflict("case_closed", "The case is closed", "a closed case takes nothing new")
    return case
