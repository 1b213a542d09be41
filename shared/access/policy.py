"""The access policy, loaded from policy.yaml. No framework here; its one enforcement point on
the routes, `allow`, is in shared/access/routes.py.

A route declares its action with a dependency:

    async def get_case(..., user: Grant = allow("registry:case.read")) -> CaseOut:

`allow` answers 401 without a valid token and 403 (`forbidden`) when none of the principal's
roles has the action; otherwise the handler gets a Grant: the principal with the widest scope
its roles give for the action. Scoping code asks the grant (`sees_unit`, `ensure_unit`, ...)
instead of naming roles. `allow` with an action missing from the file fails at import.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from uuid import UUID

from shared import errors, strict_yaml
from shared.principal import ROLES, Principal

POLICY_FILE = Path(__file__).with_name("policy.yaml")

# Widest first; the file must list exactly these, in this order.
SCOPES = ("any", "all_units", "own_unit", "own_provider", "own_identity")
WIDE = ("any", "all_units")

ACTION_EXTENSION = "x-omsorg-action"
PUBLIC_EXTENSION = "x-omsorg-public"
# openapi_extra of a route anyone may call without a token (health, readiness, metrics, contract).
PUBLIC = {PUBLIC_EXTENSION: True}


class PolicyError(ValueError):
    """The policy file, or a route's use of it, is wrong; the service must not start."""


@dataclass(frozen=True)
class Policy:
    # "service:action" -> {role: scope}
    actions: dict[str, dict[str, str]]

    def ensure_action(self, action: str) -> None:
        if action not in self.actions:
            raise PolicyError(f"the action {action!r} is not in {POLICY_FILE.name}; add it there")

    def roles_for(self, action: str) -> tuple[str, ...]:
        self.ensure_action(action)
        return tuple(self.actions[action])

    def scope_for(self, principal: Principal, action: str) -> str | None:
        """The widest scope the principal's roles give for the action; None if none has it."""
        self.ensure_action(action)
        granted = [self.actions[action][role] for role in principal.roles if role in self.actions[action]]
        return min(granted, key=SCOPES.index) if granted else None

    def grant(self, principal: Principal, action: str) -> "Grant | None":
        scope = self.scope_for(principal, action)
        if scope is None:
            return None
        claims = {name: getattr(principal, name) for name in Principal.model_fields}
        return Grant(**claims, action=action, scope=scope)


class Grant(Principal):
    """A principal allowed an action, with the scope it has for it."""
    action: str
    scope: str

    @property
    def wide(self) -> bool:
        return self.scope in WIDE

    def sees_unit(self, unit: str) -> bool:
        return self.wide or (self.scope == "own_unit" and self.unit is not None and self.unit == unit)

    def sees_any_unit(self, units: Iterable[str]) -> bool:
        return any(self.sees_unit(unit) for unit in units)

    def unit_filter(self) -> str | None:
        """None when every unit is in scope; otherwise the one unit ("" when the token names none)."""
        return None if self.wide else (self.unit or "") if self.scope == "own_unit" else ""

    def ensure_unit(self, unit: str) -> None:
        if not self.sees_unit(unit):
            # Which unit it is in is not said: that alone would tell that the person has a case there.
            raise errors.forbidden("other_unit", "Not in your unit", "what you asked for is outside your unit")

    def own_provider(self) -> UUID | None:
        """The provider the token names, for a grant scoped to its own provider; None if no valid one."""
        try:
            return UUID(self.provider_id) if self.provider_id else None
        except ValueError:
            return None

    def sees_provider(self, provider_id: UUID) -> bool:
        return self.wide or (self.scope == "own_provider" and self.own_provider() == provider_id)


def parse(document: object, source: str = POLICY_FILE.name) -> Policy:
    """Check the document strictly and build the policy; any unknown name is an error."""
    if not isinstance(document, dict) or set(document) != {"scopes", "actions"}:
        raise PolicyError(f"{source}: the top level must have exactly `scopes` and `actions`")
    scopes = document["scopes"]
    if not isinstance(scopes, dict) or tuple(scopes) != SCOPES:
        raise PolicyError(f"{source}: `scopes` must list {', '.join(SCOPES)} (widest first), got {scopes!r}")
    services = document["actions"]
    if not isinstance(services, dict) or not services:
        raise PolicyError(f"{source}: `actions` must map each service to its actions")
    actions: dict[str, dict[str, str]] = {}
    for service, service_actions in services.items():
        if not isinstance(service_actions, dict) or not service_actions:
            raise PolicyError(f"{source}: service {service!r} must map its actions to roles")
        for name, roles in service_actions.items():
            action = f"{service}:{name}"
            if not isinstance(roles, dict) or not roles:
                raise PolicyError(f"{source}: {action} must list at least one `role: scope` line")
            for role, scope in roles.items():
                if role not in ROLES:
                    raise PolicyError(f"{source}: {action}: unknown role {role!r}; known: {', '.join(ROLES)}")
                if scope not in SCOPES:
                    raise PolicyError(f"{source}: {action}: {role}: unknown scope {scope!r};"
                                      f" known: {', '.join(SCOPES)}")
            actions[action] = dict(roles)
    return Policy(actions)


def load(path: Path = POLICY_FILE) -> Policy:
    try:
        document = strict_yaml.load(path.read_text(encoding="utf-8"))
    except strict_yaml.DuplicateKey as exc:
        raise PolicyError(f"{path.name}: {exc}") from None
    return parse(document, path.name)


@lru_cache
def policy() -> Policy:
    return load()


# Actions checked inside a handler rather than by a route (e.g. seeing a protected address).
CHECKED_IN_CODE: set[str] = set()


def checked_action(action: str) -> str:
    """Declare an action a handler checks itself with `grant_for`; fails at import if unknown."""
    policy().ensure_action(action)
    CHECKED_IN_CODE.add(action)
    return action


def grant_for(principal: Principal, action: str) -> Grant | None:
    return policy().grant(principal, action)
