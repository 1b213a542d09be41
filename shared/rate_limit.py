"""Rate limit per principal (OWASP API4: unrestricted resource consumption).

Each process counts requests per token `sub` (per client address when there is no valid
token) in a moving window of one minute: a request is allowed when fewer than
`OMSORG_RATE_LIMIT_PER_MINUTE` of the same principal's requests were allowed in the 60 seconds
before it. Over that, the answer is 429 problem+json `rate_limited` with `Retry-After` (the
seconds until the oldest of them leaves the window). The count is per replica: with N replicas a
client may make up to N times the limit, which is still a bound. Operations endpoints (/health,
/ready, /metrics) are never limited.

The window is kept here (`MovingWindow`, the times of each principal's last allowed requests)
rather than in the `limits` library's in-memory storage, whose moving window started a task on
every request that handed each principal's expiry to a worker thread: 0.4-0.65 ms of CPU a
request in the registry (ADR 0036, docs/performance.md).
"""
import math
import time
from collections import deque
from collections.abc import Callable

import jwt
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import verify_token
from shared.problems import Problem, problem_response
from shared.settings import Settings

UNLIMITED_PATHS = frozenset({"/health", "/ready", "/metrics"})
# Checking a token's signature costs more than counting; a token seen before is looked up.
KNOWN_TOKENS = 10_000


class MovingWindow:
    """At most `limit` allowed hits per key in any `window` seconds. Each key keeps the times of
    its last allowed hits (at most `limit`), oldest first; a refused hit is not counted. Keys with
    no hit in the window are forgotten once per window, so memory follows the principals seen in
    the last minute or two. `now` is a monotonic clock in seconds (the tests pass their own)."""

    def __init__(self, limit: int, window: float = 60.0, now: Callable[[], float] = time.monotonic):
        if limit < 1:
            raise ValueError("a moving window allows at least one hit")
        self.limit = limit
        self.window = window
        self.now = now
        self.hits: dict[str, deque[float]] = {}
        self.next_sweep = now() + window

    def hit(self, key: str) -> float:
        """0 when the hit is allowed (and counted); else the seconds until the key's oldest hit
        leaves the window and another is allowed."""
        now = self.now()
        edge = now - self.window
        if now >= self.next_sweep:
            self._forget_idle(edge)
            self.next_sweep = now + self.window
        times = self.hits.get(key)
        if times is None:
            times = self.hits[key] = deque(maxlen=self.limit)
        while times and times[0] <= edge:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            return 0.0
        return times[0] - edge

    def _forget_idle(self, edge: float) -> None:
        for key in [key for key, times in self.hits.items() if times[-1] <= edge]:
            del self.hits[key]


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.window = MovingWindow(settings.rate_limit_per_minute)
        self.subjects: dict[str, tuple[str, float]] = {}  # valid token -> (sub, expiry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        wait = self.window.hit(await self.principal_key(scope))
        if not wait:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        response = problem_response(
            429, "rate_limited", "Too many requests",
            f"at most {self.window.limit} requests a minute; try again in {retry_after} s",
            scope["path"])
        response.headers["Retry-After"] = str(retry_after)
        await response(scope, receive, send)

    async def principal_key(self, scope: Scope) -> str:
        """`sub:<sub>` of a valid bearer token, else `addr:<client address>`. An invalid
        token counts against its sender's address, so made-up subjects gain nothing."""
        authorization = Headers(scope=scope).get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token:
            subject = await self.subject(token.strip())
            if subject is not None:
                return f"sub:{subject}"
        client = scope.get("client")
        return f"addr:{client[0] if client else 'unknown'}"

    async def subject(self, token: str) -> str | None:
        """The `sub` of a valid token, None for an invalid or expired one."""
        now = time.time()
        known = self.subjects.get(token)
        if known is not None and known[1] > now:
            return known[0]
        try:
            sub = (await verify_token(self.settings, token)).sub
        except Problem:
            return None
        expires = jwt.decode(token, options={"verify_signature": False})["exp"]
        if len(self.subjects) >= KNOWN_TOKENS:
            self.subjects.clear()
        self.subjects[token] = (sub, expires)
        return sub
