"""Whose watches a user may see and resolve, by the scope the policy (shared/access/policy.yaml)
grants: own_identity sees their own watches (a caseworker); own_unit also a colleague's or the
whole unit's, in their own unit only (a supervisor, gruppchef). A cover (ersättare) sees and
resolves, in their own list, the watches of the members they cover today."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.watch.domain.rules import Who
from shared import errors
from shared.access import Grant
from shared.covers import cover_in_force


# The roles watches are raised for (rules with who=support or object_specialist), beside caseworkers and units.
ROLES_WATCHED = frozenset({str(Who.SUPPORT), str(Who.OBJECT_SPECIALIST)})


@dataclass(frozen=True)
class Scope:
    """Which open watches a list shows.

    assignee set, unit None: that person's watches.
    assignee set, unit set: that person's watches in the unit; with `unassigned_too`, also the
      unit's watches assigned to no one (escalations to the supervisors).
    assignee None, unit set: every watch of the unit.
    `covering`: the absent members whose watches the assignee sees as their cover today (shown
    with the assignee's own); with `unassigned_too`, also the watches escalated to any of them.
    """
    assignee: str | None
    unit: str | None
    unassigned_too: bool = False
    covering: tuple[str, ...] = ()
    # The watches of these roles too (a watch for support: a culling not confirmed in time).
    roles: tuple[str, ...] = ()

    @property
    def assignees(self) -> list[str]:
        return [self.assignee, *self.covering] if self.assignee is not None else []


def covering_today(covers: Iterable[Mapping[str, Any]], today: date) -> tuple[str, ...]:
    """The absent members whose covers (rows of the covers read model) are in force `today`."""
    return tuple(sorted({c["absent"] for c in covers
                         if cover_in_force(from_date=c["from_date"], to_date=c["to_date"],
                                           ended_on=c["ended_on"], today=today)}))


def _supervisor_unit(user: Grant, asked_unit: str | None) -> str:
    if not user.unit:
        raise errors.forbidden("no_unit", "Your token names no unit", "a supervisor sees the watches of their own unit")
    if asked_unit is not None and asked_unit != user.unit:
        raise errors.forbidden("other_unit", "That is another unit's list", f"your unit is {user.unit!r}")
    return user.unit


def _sees_units(user: Grant) -> bool:
    return user.wide or user.scope == "own_unit"


def list_scope(user: Grant, *, assignee: str | None, unit: str | None, covering: tuple[str, ...] = ()) -> Scope:
    """`covering`: whom the user covers today (covering_today); their watches are in the user's own list,
    and a caseworker may also ask for the list of one of them alone (`assignee`). The user's own list
    also holds the open watches raised for a role the user holds (a culling not confirmed: support)."""
    scope = _list_scope(user, assignee=assignee, unit=unit, covering=covering)
    roles = tuple(sorted(set(user.roles) & ROLES_WATCHED))
    if assignee is None and unit is None and roles:
        return replace(scope, roles=roles)
    return scope


def _list_scope(user: Grant, *, assignee: str | None, unit: str | None, covering: tuple[str, ...]) -> Scope:
    if not _sees_units(user):
        if assignee is not None and assignee in covering and unit is None:
            return Scope(assignee=assignee, unit=None)
        if (assignee is not None and assignee != user.sub) or unit is not None:
            raise errors.forbidden("not_your_list", "You see your own watches",
                          "a supervisor may ask for a caseworker's or the unit's list")
        return Scope(assignee=user.sub, unit=None, covering=covering)
    if assignee is None and unit is None:
        if not user.unit:
            return Scope(assignee=user.sub, unit=None, covering=covering)
        return Scope(assignee=user.sub, unit=user.unit, unassigned_too=True, covering=covering)
    own_unit = _supervisor_unit(user, unit)
    if assignee is not None:
        return Scope(assignee=assignee, unit=own_unit)
    return Scope(assignee=None, unit=own_unit)


def report_unit(user: Grant, unit: str | None) -> str:
    return _supervisor_unit(user, unit)


def ensure_may_resolve(user: Grant, *, assignee: str | None, unit: str, covering: tuple[str, ...] = (),
                       role: str | None = None) -> None:
    """The assignee resolves their watch, and so does their cover today; a supervisor any watch of
    their unit; anyone holding the role a watch was raised for (support) that watch."""
    if assignee is not None and (assignee == user.sub or assignee in covering):
        return
    if role is not None and role in user.roles:
        return
    if user.sees_unit(unit):
        return
    raise errors.forbidden("not_your_watch", "This watch is someone else's",
                  "the assignee or a supervisor of the unit may resolve it")
