"""A 500 answer (an unhandled exception in a route) carries X-Request-Id and X-Trace-Id like every
other answer, and its problem+json names the request id: on the middleware stack the services
build (problems, API headers, the FastAPI instrumentation that nests Starlette's error middleware)."""
import logging

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from shared import openapi, problems
from shared.telemetry import instrument_app


def _app() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    router = APIRouter()

    @router.get("/boom")
    async def boom():
        raise RuntimeError("something broke")

    @router.get("/fine")
    async def fine():
        return {"ok": True}

    app.include_router(router)
    openapi.install_middleware(app, [])
    instrument_app(app)
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
