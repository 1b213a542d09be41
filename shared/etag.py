"""Optimistic concurrency over HTTP (RFC 9110, 8.8.3 and 13.1.1): the answer for a resource that
can change carries its `ETag`; a write that sends `If-Match` with a tag that is no longer the
resource's is refused with 412, so that nobody changes or signs what they have not seen.

A write without `If-Match` is taken as before (clients that read and write at once keep
working); `If-Match: *` matches any present resource."""
import hashlib
import json

from shared import errors

HEADER = "If-Match"


def etag_header(description: str) -> dict:
    """The `ETag` response header of an answer, as OpenAPI documents it (`responses={...: {"headers": ...}}`)."""
    return {"ETag": {"description": description, "schema": {"type": "string"}}}


def etag(revision: int | str) -> str:
    """The strong entity tag of a resource at `revision` (a number that grows with each change)."""
    return f'"{revision}"'


def etag_of(representation: str | bytes) -> str:
    """The strong entity tag of a representation (RFC 9110, 8.8.3): the same bytes, the same tag;
    for resources whose every change shows in what is read (a journal note: versions, signatures,
    addenda)."""
    data = representation.encode() if isinstance(representation, str) else representation
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


def etag_of_json(representation: str | bytes) -> str:
    """The strong entity tag of a JSON representation, whatever its spacing and the order of its
    keys: the same document, the same tag, whether the database wrote it or Python did (a journal
    note just written is answered without being read back). What differs in any value, a time's
    format too, differs in the tag."""
    canonical = json.dumps(json.loads(representation), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return etag_of(canonical)


def ensure_current(if_match: str | None, current: str) -> None:
    """Nothing when `if_match` is absent, `*`, or lists `current`; otherwise 412 `etag_mismatch`."""
    if if_match is None:
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" in tags or current in tags:
        return
    raise errors.precondition_failed(
        "etag_mismatch", "The resource has changed since you read it",
        f"it is now {current}; read it again (GET), check the change, and send that ETag in If-Match")
