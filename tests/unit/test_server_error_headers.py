"""A 500 answer (an unhandled exception in a route) carries X-Request-Id and X-Trace-Id like every
other answer, and its problem+json names the request id: on the middleware stack the services
build (problems, API headers, FastAPI's own telemetry around Starlette's error middleware)."""
import logging

import pytest
from asyncpg.exceptions import AdminShutdownError, ConnectionDoesNotExistError
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from shared import openapi, problems
from shared.telemetry import http_telemetry


def _app() -> FastAPI:
    app = FastAPI(telemetry=http_telemetry())
    problems.install(app)
    router = APIRouter()

    @router.get("/boom")
    async def boom():
        raise RuntimeError("something broke")

    @router.get("/database-gone/{how}")
    async def database_gone(how: str):
        raise {"refused": ConnectionRefusedError(111, "Connection refused"),
               "cut": ConnectionDoesNotExistError("connection was closed in the middle of operation"),
               "shutting down": AdminShutdownError("terminating connection due to administrator command")}[how]

    @router.get("/fine")
    async def fine():
        return {"ok": True}

    app.include_router(router)
    openapi.install_middleware(app, [])
    return app


@pytest.mark.parametrize("given", [None, "req-500.a_B"])
def test_a_500_answer_carries_the_request_id(given, caplog):
    client = TestClient(_app(), raise_server_exceptions=False)
    headers = {"X-Request-Id": given} if given else {}
    with caplog.at_level(logging.ERROR):
        answer = client.get("/boom", headers=headers)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    request_id = answer.headers.get("X-Request-Id")
    assert request_id and (given is None or request_id == given)
    assert answer.json()["code"] == "internal_error"
    assert answer.json()["request_id"] == request_id
    assert answer.headers["Cache-Control"] == "no-store"
    assert "something broke" not in answer.text
    # Logged once, by the problems handler, with the traceback.
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info, [r.getMessage() for r in logged]
    assert client.get("/fine").headers["X-Request-Id"]


@pytest.mark.parametrize("how", ["refused", "cut", "shutting down"])
def test_a_database_that_cannot_be_reached_is_503_with_retry_after_not_500(how, caplog):
    """PostgreSQL refusing connections, a connection cut under the request, or the server shutting
    down: the service is unavailable for a moment (503 `database_unavailable`, Retry-After), a
    warning in the log, not an error with a traceback."""
    client = TestClient(_app(), raise_server_exceptions=False)
    with caplog.at_level(logging.WARNING):
        answer = client.get(f"/database-gone/{how}")
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "database_unavailable"
    assert answer.headers["Retry-After"] == str(problems.DATABASE_RETRY_AFTER_SECONDS)
    assert answer.headers["X-Request-Id"] and answer.json()["request_id"] == answer.headers["X-Request-Id"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("database is unavailable" in r.getMessage() for r in caplog.records)
