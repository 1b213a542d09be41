"""Request body size limit (OWASP API4: unrestricted resource consumption).

A body larger than the limit is refused with 413 problem+json `body_too_large`: at once when
Content-Length announces it, and as soon as the count passes the limit while a body without
one (chunked) arrives, so no more than the limit is ever read into memory. The limit is
OMSORG_MAX_BODY_BYTES, or the service's own for a path that takes files (`Service.body_limits`).
"""
from collections.abc import Mapping

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import problem_response

TITLE = "The request body is too large"


class BodyTooLarge(HTTPException):
    """Raised from `receive` while the body is read. FastAPI's HTTPException, because FastAPI
    lets that (and only that) through when reading a body fails; problems.py answers it."""

    def __init__(self, limit: int):
        super().__init__(413, TITLE)
        self.problem_detail = _detail(limit)


def _detail(limit: int) -> str:
    return f"the request body may be at most {limit} bytes here"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, default: int, by_path: Mapping[str, int] | None = None):
        self.app = app
        self.default = default
        self.by_path = dict(by_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope["path"].rstrip("/") or "/", self.default)
        announced = Headers(scope=scope).get("content-length")
        if announced is not None and announced.isdigit() and int(announced) > limit:
            response = problem_response(413, "body_too_large", TITLE, _detail(limit), scope["path"])
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counting_receive, send)
