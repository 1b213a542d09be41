"""The delegation order (delegationsordning) as data: which decisions a caseworker may make
alone, and which need a supervisor or the committee. No I/O here; the file is
`services/registry/delegation.yaml`, read at start-up by `services.registry.delegation`.

Each rule matches an intervention code of the catalogue (or `*`), an outcome (or `*`), and
optionally a granted scope above a threshold (in the intervention's own scope unit, so only
with a named intervention that has one). The level a decision requires is the highest level
of the rules it matches; matching none, a caseworker may make it.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from services.registry.domain.process import Outcome
from services.registry.domain.staff import Level
from shared import errors, interventions
from shared.interventions import ScopeUnit

ANY = "*"


class DelegationError(ValueError):
    """The delegation file is malformed: the service does not start."""


@dataclass(frozen=True)
class Rule:
    intervention: str          # a catalogue code or "*"
    outcome: str               # an Outcome or "*"
    scope_above: Decimal | None
    level: Level

    def matches(self, *, intervention: str, outcome: str, scope_amount: Decimal | None) -> bool:
        if self.intervention not in (ANY, intervention) or self.outcome not in (ANY, outcome):
            return False
        return self.scope_above is None or (scope_amount is not None and scope_amount > self.scope_above)


@dataclass(frozen=True)
class DelegationOrder:
    rules: tuple[Rule, ...]

    def required_level(self, *, intervention: str, outcome: str, scope_amount: Decimal | None) -> Level:
        levels = [r.level for r in self.rules
                  if r.matches(intervention=intervention, outcome=outcome, scope_amount=scope_amount)]
        return max(levels, key=lambda level: level.rank, default=Level.CASEWORKER)


RULE_KEYS = {"intervention", "outcome", "scope_above", "level", "note"}


def parse(document: object, source: str = "delegation.yaml") -> DelegationOrder:
    """Check the document strictly; any unknown key, code, outcome or level is an error."""
    if not isinstance(document, dict) or set(document) != {"rules"}:
        raise DelegationError(f"{source}: the top level must have exactly `rules`")
    entries = document["rules"]
    if not isinstance(entries, list):
        raise DelegationError(f"{source}: `rules` must be a list")
    catalogue = interventions.catalogue()
    rules = []
    for number, entry in enumerate(entries, 1):
        where = f"{source}: rule #{number}"
        if not isinstance(entry, dict) or not {"intervention", "level"} <= set(entry) or set(entry) - RULE_KEYS:
            raise DelegationError(f"{where}: needs `intervention` and `level`; may have `outcome`,"
                                  f" `scope_above` and `note`; got {entry!r}")
        code, outcome = entry["intervention"], entry.get("outcome", ANY)
        if code != ANY and code not in catalogue:
            raise DelegationError(f"{where}: unknown intervention {code!r} (not in the catalogue)")
        if outcome != ANY and outcome not in {o.value for o in Outcome}:
            raise DelegationError(f"{where}: unknown outcome {outcome!r}")
        try:
            level = Level(entry["level"])
        except ValueError:
            raise DelegationError(f"{where}: unknown level {entry['level']!r};"
                                  f" known: {', '.join(level.value for level in Level)}") from None
        scope = entry.get("scope_above")
        if scope is not None:
            if isinstance(scope, bool) or not isinstance(scope, (int, float, str)):
                raise DelegationError(f"{where}: scope_above must be a number, got {scope!r}")
            try:
                scope = Decimal(str(scope))
            except InvalidOperation:
                raise DelegationError(f"{where}: scope_above must be a number, got {scope!r}") from None
            if not scope.is_finite() or scope < 0:
                raise DelegationError(f"{where}: scope_above must be a number of zero or more")
            if code == ANY or catalogue[code].scope_unit is ScopeUnit.NONE:
                raise DelegationError(f"{where}: scope_above needs an intervention with a scope unit")
        rules.append(Rule(intervention=code, outcome=outcome, scope_above=scope, level=level))
    return DelegationOrder(tuple(rules))


# Approval of a decision above its maker's delegation

class Status:
    IN_FORCE = "in_force"
    AWAITING_APPROVAL = "awaiting_approval"
    REFUSED = "refused"


def status_for(*, required: Level, maker: Level) -> str:
    return Status.IN_FORCE if maker.meets(required) else Status.AWAITING_APPROVAL


def ensure_can_settle(*, status: str, required: Level, approver: Level, approver_unit: str | None, unit: str,
                      approver_subject: str, maker_subject: str) -> None:
    """The approver may approve (or refuse) the waiting decision: their directory level meets the
    required one, and a supervisor's directory unit is the decision's (the committee's is every unit)."""
    if status != Status.AWAITING_APPROVAL:
        raise errors.conflict("decision_not_awaiting_approval", "The decision is not waiting for approval",
                              f"its status is {status}")
    if approver_subject == maker_subject:
        raise errors.forbidden("own_decision", "A decision is approved by someone other than its maker")
    if not approver.meets(required):
        raise errors.forbidden("delegation_insufficient", "Your delegation does not reach this decision",
                               f"it needs the level {required.value}; the staff directory gives you {approver.value}",
                               required_level=required.value)
    if approver is not Level.COMMITTEE and approver_unit != unit:
        raise errors.forbidden("delegation_other_unit", "Your delegation is for another unit",
                               "a supervisor approves decisions of their own unit in the staff directory")


def ensure_in_force(status: str) -> None:
    """A decision waiting for approval, or refused, is not carried out."""
    if status != Status.IN_FORCE:
        raise errors.conflict("decision_not_in_force", "The decision is not in force",
                              "it is waiting for approval by someone with the delegation to make it"
                              if status == Status.AWAITING_APPROVAL else "its approval was refused",
                              decision_status=status)
