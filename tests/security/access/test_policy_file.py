"""The policy file itself: it loads strictly, names only known roles and scopes, every action a
route declares is in it, and every line of it is used by some route (or a named in-handler check)."""
import importlib

import pytest
import yaml
from fastapi import APIRouter, FastAPI

import shared.service
from shared.access.policy import (ACTION_EXTENSION, CHECKED_IN_CODE, POLICY_FILE, PUBLIC, SCOPES, Grant,
                                  PolicyError, grant_for, load, parse)
from shared.access.routes import allow, operation_actions
from shared.auth import ROLES, Principal
from shared.openapi import service_router
from shared.service import Service, create_app
from tests.stack import SERVICES


def _document() -> dict:
    return yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


def _app(name: str, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """The service's app as its main builds it, without telemetry: instrumenting this test
    process (httpx, logging) would change what other tests in it send."""
    monkeypatch.setattr(shared.service, "setup_telemetry", lambda *args: None)
    return importlib.import_module(f"services.{name}.main").app()


@pytest.fixture(scope="module")
def route_actions() -> dict[str, set[str]]:
    """action -> the operations that declare it, over the five services' OpenAPI documents."""
    found: dict[str, set[str]] = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        apps = {name: _app(name, monkeypatch) for name in SERVICES}
    for name, app in apps.items():
        for (method, path), action in operation_actions(app.openapi()).items():
            if action is not None:
                found.setdefault(action, set()).add(f"{name}: {method} {path}")
    return found


def test_the_file_loads_and_names_known_roles_and_scopes_only():
    loaded = load()
    assert loaded.actions
    for action, roles in loaded.actions.items():
        assert set(roles) <= set(ROLES), action
        assert set(roles.values()) <= set(SCOPES), action


def test_every_action_a_route_declares_is_in_the_file(route_actions):
    assert set(route_actions) <= set(load().actions)


def test_every_action_in_the_file_is_used_no_dead_lines(route_actions):
    unused = set(load().actions) - set(route_actions) - CHECKED_IN_CODE
    assert not unused, f"actions no route or check uses: {sorted(unused)}"
    # What handlers check themselves is few and named.
    assert CHECKED_IN_CODE == {"registry:person.protected_address.read", "registry:person.protected.move",
                               "journal:note.sign_for_author"}


@pytest.mark.parametrize("change,message", [
    (lambda d: d["actions"]["registry"]["case.read"].update(janitor="all_units"), "unknown role 'janitor'"),
    (lambda d: d["actions"]["registry"]["case.read"].update(caseworker="own_street"), "unknown scope 'own_street'"),
    (lambda d: d["actions"]["registry"].update({"case.peek": {}}), "at least one"),
    (lambda d: d["scopes"].pop("own_provider"), "`scopes` must list"),
    (lambda d: d.update(extra={}), "top level"),
])
def test_loading_fails_loudly_on_a_bad_file(change, message):
    document = _document()
    change(document)
    with pytest.raises(PolicyError, match=message):
        parse(document)


def test_a_duplicated_line_is_refused_not_silently_dropped(tmp_path):
    text = POLICY_FILE.read_text(encoding="utf-8").replace(
        "    case.remove:\n      support: all_units\n",
        "    case.remove:\n      support: all_units\n      support: own_unit\n")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match="duplicated"):
        load(path)


def test_a_route_naming_an_action_not_in_the_file_fails_at_import():
    with pytest.raises(PolicyError, match="registry:case.peek"):
        allow("registry:case.peek")


def test_a_route_with_neither_action_nor_public_mark_fails_at_start_up(tmp_path, monkeypatch):
    router = service_router()

    @router.get("/open-door")
    async def open_door() -> dict:
        return {}

    with pytest.raises(PolicyError, match="GET /open-door"):
        _start_with(router, tmp_path, monkeypatch)


def test_a_route_shows_its_action_in_openapi(route_actions):
    assert "registry: GET /cases/{case_id}" in route_actions["registry:case.read"]
    assert ACTION_EXTENSION == "x-omsorg-action"


def test_a_providers_answers_are_guarded_by_the_answer_action_and_its_reads_by_the_read_action(route_actions):
    """The policy file says what each action covers: reading is the inbox and opening an order,
    answering is confirming, rejecting, starting and reporting delivered time."""
    answers = {f"orders: POST /provider/orders/{{order_id}}/{step}"
               for step in ("confirm", "reject", "start", "deliveries")}
    assert route_actions["orders:provider_order.answer"] == answers
    assert route_actions["orders:provider_order.read"] == {"orders: GET /provider/orders",
                                                            "orders: GET /provider/orders/{order_id}"}


def test_the_widest_scope_of_several_roles_wins():
    both = Principal(sub="g", roles=["caseworker", "supervisor"], unit="vuxen")
    assert grant_for(both, "registry:case.read").scope == "all_units"
    assert grant_for(Principal(sub="a", roles=["caseworker"], unit="vuxen"), "registry:case.read").scope == "own_unit"
    assert grant_for(Principal(sub="c", roles=["citizen"], pin="x"), "registry:case.read") is None


def test_a_grant_is_asked_again_for_another_action():
    grant = grant_for(Principal(sub="a", roles=["caseworker"], unit="vuxen"), "registry:person.create")
    again = grant_for(grant, "registry:person.protected_address.read")
    assert isinstance(again, Grant) and again.scope == "own_unit" and again.unit == "vuxen"


def test_a_route_of_a_plain_router_fails_at_start_up(tmp_path, monkeypatch):
    """Its operation would be named `open_door_open_door_get` in the OpenAPI document, not
    `open_door`: every service router is a `service_router`."""
    router = APIRouter()

    @router.get("/open-door", openapi_extra=PUBLIC)
    async def open_door() -> dict:
        return {}

    with pytest.raises(RuntimeError, match="GET /open-door: its router must be made by shared.openapi.service_router"):
        _start_with(router, tmp_path, monkeypatch)


def _start_with(router: APIRouter, tmp_path, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """A service of this one router, built as a service's main builds it (without telemetry)."""
    service = Service(name="registry", port=0, title="t", migrations=tmp_path, routers=[router])
    monkeypatch.setattr(shared.service, "setup_telemetry", lambda *args: None)
    return create_app(service)
