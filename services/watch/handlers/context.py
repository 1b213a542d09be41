"""What the event handlers need of their process (the configured rules, the outbox, the clock).

A handler is called with a connection, an envelope and the event's data only; the watch
process binds this context once at start (see scheduler.scheduler_worker), before its
consumer takes the first event.
"""
from dataclasses import dataclass

from services.watch.domain.rules import Rule
from shared.clock import Clock
from shared.outbox import Outbox


@dataclass(frozen=True)
class Context:
    rules: dict[str, Rule]
    outbox: Outbox
    clock: Clock


_bound: Context | None = None


def bind(ctx: Context) -> None:
    global _bound
    _bound = ctx


def current() -> Context:
    if _bound is None:
        raise RuntimeError("the watch's handlers run before the process bound their context")
    return _bound
