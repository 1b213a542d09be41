"""The one place the access policy is enforced on the routes: `allow`, and the check that every
route names its action in the policy (or is public) before a service starts."""
from fastapi import APIRouter, Depends
from fastapi.routing import APIRoute

from shared import errors
from shared.access.policy import ACTION_EXTENSION, PUBLIC_EXTENSION, Grant, PolicyError, policy
from shared.auth import CurrentUser


def allow(action: str):
    """The dependency that guards a route: 401 without a valid token, 403 without the action."""
    policy().ensure_action(action)

    async def check(user: CurrentUser) -> Grant:
        grant = policy().grant(user, action)
        if grant is None:
            raise errors.forbidden("forbidden", "Not allowed for your role",
                          f"{action} needs one of the roles: {', '.join(policy().roles_for(action))}")
        return grant

    check.omsorg_action = action
    return Depends(check)


def _actions_of(dependant) -> list[str]:
    found = []
    for sub in dependant.dependencies:
        action = getattr(sub.call, "omsorg_action", None)
        if action is not None:
            found.append(action)
        found += _actions_of(sub)
    return found


def declare_actions(router: APIRouter) -> None:
    """Show each route's action in its OpenAPI operation (`x-omsorg-action`). Call before including."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise PolicyError(f"{route!r} in a service router: only plain routes are supported")
        declared = sorted(set(_actions_of(route.dependant)))
        if len(declared) > 1:
            raise PolicyError(f"{','.join(sorted(route.methods))} {route.path} declares several actions: {declared}")
        if declared:
            route.openapi_extra = {**(route.openapi_extra or {}), ACTION_EXTENSION: declared[0]}


def operation_actions(openapi: dict) -> dict[tuple[str, str], str | None]:
    """(method, path) -> action, or None for a public operation; fails on one that is neither."""
    found = {}
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            action, public = operation.get(ACTION_EXTENSION), operation.get(PUBLIC_EXTENSION) is True
            if (action is None) == (not public):
                raise PolicyError(f"{method.upper()} {path} must declare either an action (allow(...))"
                                  " or be marked public, and not both")
            if action is not None:
                policy().ensure_action(action)
            found[(method.upper(), path)] = action
    return found

