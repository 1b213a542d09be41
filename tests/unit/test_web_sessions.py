"""The web's sessions: an idle session ends, none outlives its token, sign-in replaces the session
before it, and sessions before sign-in are bounded in number."""
from services.web import sessions
from services.web.sessions import Sessions, User, csrf_matches
from tests.clock import Seconds as Clock


def test_a_session_ends_after_its_idle_time_and_at_its_tokens_expiry():
    clock = Clock()
    store = Sessions(idle_seconds=60, clock=clock)
    signed = store.sign_in(None, User("anna", "caseworker", "vuxen"), "token", lifetime_seconds=150)
    clock.now += 59
    assert store.get(signed.id) is signed  # a request keeps it alive
    clock.now += 59
    assert store.get(signed.id) is signed
    clock.now += 33  # 151 s after sign-in: the token's lifetime is over, however active
    assert store.get(signed.id) is None

    idle = store.sign_in(None, User("anna", "caseworker", "vuxen"), "token", lifetime_seconds=3600)
    clock.now += 61
    assert store.get(idle.id) is None


def test_sign_in_replaces_the_session_before_it():
    store = Sessions(idle_seconds=60, clock=Clock())
    before = store.start_anonymous()
    after = store.sign_in(before, User("anna", "caseworker", "vuxen"), "token", lifetime_seconds=600)
    assert after.id != before.id and after.csrf != before.csrf
    assert store.get(before.id) is None and store.get(after.id) is after


def test_sessions_before_sign_in_are_bounded(monkeypatch):
    monkeypatch.setattr(sessions, "MAX_ANONYMOUS", 3)
    store = Sessions(idle_seconds=60, clock=Clock())
    first, *rest = [store.start_anonymous() for _ in range(4)]
    assert store.get(first.id) is None and all(store.get(s.id) is s for s in rest)


def test_the_csrf_token_must_be_the_sessions_own():
    store = Sessions(idle_seconds=60, clock=Clock())
    session = store.start_anonymous()
    assert csrf_matches(session, session.csrf)
    assert not csrf_matches(session, None) and not csrf_matches(session, "") and not csrf_matches(None, session.csrf)
    assert not csrf_matches(session, store.start_anonymous().csrf)
