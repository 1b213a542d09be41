"""Whose watches a user may see and resolve, by the scope the policy (shared/access/policy.yaml)
grants: own_identity sees their own watches (a caseworker); own_unit also a colleague's or the
whole unit's, in their own unit only (a supervisor, gruppchef)."""
from dataclasses import dataclass

from shared import errors
from shared.access import Grant


@dataclass(frozen=True)
class Scope:
    """Which open watches a list shows.

    assignee set, unit None: that person's watches.
    assignee set, unit set: that person's watches in the unit; with `unassigned_too`, also the
      unit's watches assigned to no one (escalations to the supervisors).
    assignee None, unit set: every watch of the unit.
    """
    assignee: str | None
    unit: str | None
    unassigned_too: bool = False


def _supervisor_unit(user: Grant, asked_unit: str | None) -> str:
    if not user.unit:
        raise errors.forbidden("no_unit", "Your token names no unit", "a supervisor sees the watches of their own unit")
    if asked_unit is not None and asked_unit != user.unit:
        raise errors.forbidden("other_unit", "That is another unit's list", f"your unit is {user.unit!r}")
    return user.unit


def _sees_units(user: Grant) -> bool:
    return user.wide or user.scope == "own_unit"


def list_scope(user: Grant, *, assignee: str | None, unit: str | None) -> Scope:
    if not _sees_units(user):
        if (assignee is not None and assignee != user.sub) or unit is not None:
            raise errors.forbidden("not_your_list", "You see your own watches",
                          "a supervisor may ask for a caseworker's or the unit's list")
        return Scope(assignee=user.sub, unit=None)
    if assignee is None and unit is None:
        if not user.unit:
            return Scope(assignee=user.sub, unit=None)
        return Scope(assignee=user.sub, unit=user.unit, unassigned_too=True)
    own_unit = _supervisor_unit(user, unit)
    if assignee is not None:
        return Scope(assignee=assignee, unit=own_unit)
    return Scope(assignee=None, unit=own_unit)


def report_unit(user: Grant, unit: str | None) -> str:
    return _supervisor_unit(user, unit)


def ensure_may_resolve(user: Grant, *, assignee: str | None, unit: str) -> None:
    """The assignee resolves their watch; a supervisor any watch of their unit."""
    if assignee is not None and assignee == user.sub:
        return
    if user.sees_unit(unit):
        return
    raise errors.forbidden("not_your_watch", "This watch is someone else's",
                  "the assignee or a supervisor of the unit may resolve it")
