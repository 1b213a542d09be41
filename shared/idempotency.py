"""Idempotency-Key: a retry with the same key returns what the first request made; the same key
with another request is refused. One way for every service, one error code. No framework here.

A route takes the key from the `Idempotency-Key` header (shared/api.py: IdempotencyKey), the use
case computes the request's fingerprint and stores it beside the key, and a retry compares them.
"""
import hashlib
import json
from typing import Any

from shared import errors

HEADER = "Idempotency-Key"
MAX_LENGTH = 200


def fingerprint(request: Any) -> str:
    """A stable digest of what was asked (a JSON-able value: the body, plus the path's ids)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def ensure_same_request(earlier_fingerprint: str | None, request_fingerprint: str) -> None:
    """A retry with the same key must repeat the same request."""
    if earlier_fingerprint != request_fingerprint:
        raise errors.conflict("idempotency_key_reused", "The Idempotency-Key was used for another request",
                              "a retry must repeat the same request; use a new key for a new one")


def in_progress() -> errors.DomainError:
    """Two requests with one key at once: the first has not committed yet."""
    return errors.conflict("idempotency_key_in_use", "A request with this Idempotency-Key is in progress",
                           "retry in a moment to get what it made")

