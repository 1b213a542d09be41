"""Sessions kept in the web process: the browser holds only a random session id in an HttpOnly
cookie; the token and the CSRF token stay here. Signing out removes the session, so the cookie
is worth nothing afterwards, even if it was copied.

A session without a user (before sign-in) carries only the CSRF token of the sign-in form; the
session is replaced by a new one at sign-in, so an id known before sign-in is useless after it.
"""
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field

COOKIE = "omsorg_session"
ANONYMOUS_SECONDS = 30 * 60
# Sessions before sign-in cost memory that anyone can ask for: at most this many are kept
# (the oldest is dropped first), so they cannot crowd out signed-in ones.
MAX_ANONYMOUS = 10_000


@dataclass
class User:
    sub: str
    role: str
    unit: str | None = None
    provider_id: str | None = None


@dataclass
class Session:
    id: str
    csrf: str
    expires_at: float
    seen_at: float
    user: User | None = None
    token: str | None = field(default=None, repr=False)
    # The ID token of the sign-in, named to the issuer when signing out (its end-session endpoint).
    id_token: str | None = field(default=None, repr=False)
    # Sign-ins under way from this (anonymous) session, by their `state` (services/web/oidc.py).
    pending: dict = field(default_factory=dict, repr=False)


class Sessions:
    def __init__(self, idle_seconds: float, clock=time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._signed_in: dict[str, Session] = {}
        self._anonymous: OrderedDict[str, Session] = OrderedDict()

    def start_anonymous(self) -> Session:
        now = self.clock()
        session = Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32),
                          expires_at=now + ANONYMOUS_SECONDS, seen_at=now)
        self._anonymous[session.id] = session
        while len(self._anonymous) > MAX_ANONYMOUS:
            self._anonymous.popitem(last=False)
        return session

    def sign_in(self, previous: Session | None, user: User, token: str, lifetime_seconds: float,
                id_token: str | None = None) -> Session:
        """A new session (new id, new CSRF token) for the user; the one before sign-in ends."""
        if previous is not None:
            self.end(previous.id)
        now = self.clock()
        session = Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32),
                          expires_at=now + lifetime_seconds, seen_at=now, user=user, token=token, id_token=id_token)
        self._signed_in[session.id] = session
        self._sweep(now)
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = self.clock()
        session = self._signed_in.get(session_id) or self._anonymous.get(session_id)
        if session is None:
            return None
        if now >= session.expires_at or (session.user and now - session.seen_at > self.idle_seconds):
            self.end(session_id)
            return None
        session.seen_at = now
        return session

    def end(self, session_id: str) -> None:
        self._signed_in.pop(session_id, None)
        self._anonymous.pop(session_id, None)

    def _sweep(self, now: float) -> None:
        for sid in [s.id for s in self._signed_in.values()
                    if now >= s.expires_at or now - s.seen_at > self.idle_seconds]:
            self._signed_in.pop(sid, None)


def csrf_matches(session: Session | None, given: str | None) -> bool:
    return session is not None and bool(given) and secrets.compare_digest(session.csrf.encode(), given.encode())
