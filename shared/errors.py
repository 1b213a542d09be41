"""Errors that the rules raise: a kind, a stable code and words for people. No framework here.

The domain and the use cases say *what* went wrong (`invalid`, `not_found`, `conflict`, `gone`,
`forbidden`, `too_large`); the API layer (`shared/problems.py`) answers each kind with its HTTP
status as RFC 9457 problem+json.
"""
from enum import Enum


class Kind(str, Enum):
    INVALID = "invalid"        # the request says something that cannot be: 422
    NOT_FOUND = "not_found"    # no such thing, or not the asker's to see: 404
    CONFLICT = "conflict"      # not now, in this state: 409
    GONE = "gone"              # it was there and has been removed: 410
    FORBIDDEN = "forbidden"    # known, but the asker may not do this: 403
    TOO_LARGE = "too_large"    # more than the service takes at once: 413
    PRECONDITION_FAILED = "precondition_failed"  # If-Match names a version that is no longer current: 412


class DomainError(Exception):
    """An error the client can act on. `code` is stable; `title` and `detail` are for people."""

    def __init__(self, kind: Kind, code: str, title: str, detail: str | None = None, **extra):
        super().__init__(detail or title)
        self.kind = kind
        self.code = code
        self.title = title
        self.detail = detail
        self.extra = extra


def invalid(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.INVALID, code, title, detail, **extra)


def not_found(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.NOT_FOUND, code, title, detail, **extra)


def conflict(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.CONFLICT, code, title, detail, **extra)


def gone(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.GONE, code, title, detail, **extra)


def precondition_failed(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.PRECONDITION_FAILED, code, title, detail, **extra)


def forbidden(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.FORBIDDEN, code, title, detail, **extra)


def too_large(code: str, title: str, detail: str | None = None, **extra) -> DomainError:
    return DomainError(Kind.TOO_LARGE, code, title, detail, **extra)
