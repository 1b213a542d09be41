"""Whether a culling (gallring) is complete: which services have confirmed it and which are
missing. Every service that holds something about a person confirms with its own event; the
registry confirms in the approval's own transaction, so the watch waits for the other four. No I/O."""
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

# The services whose confirmations the watch waits for (the registry's is part of the approval).
CONFIRMING = ("journal", "orders", "watch", "notify")


def missing(confirmed: Iterable[str]) -> list[str]:
    """The services that have not confirmed, in CONFIRMING's order."""
    done = set(confirmed)
    return [service for service in CONFIRMING if service not in done]


def with_confirmation(facts: Mapping[str, Any], service: str) -> dict[str, Any]:
    """The culling's facts (as the watch keeps them on its subject) with `service`'s confirmation:
    `confirmed` and `missing`, each in CONFIRMING's order; a second confirmation changes nothing."""
    confirmed = [s for s in CONFIRMING if s in set(facts.get("confirmed", ())) | {service}]
    return {**facts, "confirmed": confirmed, "missing": missing(confirmed)}


def approved(facts: Mapping[str, Any], *, rule_id: str, approved_at: datetime) -> dict[str, Any]:
    """The facts of an approved culling, keeping the confirmations that came before the approval did."""
    confirmed = [s for s in CONFIRMING if s in set(facts.get("confirmed", ()))]
    return {**facts, "rule_id": rule_id, "approved_at": approved_at.isoformat(), "confirmed": confirmed,
            "missing": missing(confirmed)}


def complete(facts: Mapping[str, Any]) -> bool:
    return not missing(facts.get("confirmed", ()))
