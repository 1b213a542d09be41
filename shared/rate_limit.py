"""Rate limit per principal (OWASP API4: unrestricted resource consumption).

Each process counts requests per token `sub` (per client address when there is no valid
token) in a moving window of one minute, with the `limits` library's in-memory storage. Over
`OMSORG_RATE_LIMIT_PER_MINUTE` the answer is 429 problem+json `rate_limited` with
`Retry-After`. The count is per replica: with N replicas a client may make up to N times the
limit, which is still a bound; a shared storage (`limits` supports Redis) would make it global.
Operations endpoints (/health, /ready, /metrics) are never limited.
"""
import math
import time

import jwt
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import verify_token
from shared.problems import Problem, problem_response
from shared.settings import Settings

UNLIMITED_PATHS = frozenset({"/health", "/ready", "/metrics"})
# Checking a token's signature costs more than counting; a token seen before is looked up.
KNOWN_TOKENS = 10_000


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.item = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.subjects: dict[str, tuple[str, float]] = {}  # valid token -> (sub, expiry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        who = await self.principal_key(scope)
        if await self.limiter.hit(self.item, who):
            await self.app(scope, receive, send)
            return
        stats = await self.limiter.get_window_stats(self.item, who)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        response = problem_response(
            429, "rate_limited", "Too many requests",
            f"at most {self.item.amount} requests a minute; try again in {retry_after} s",
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
