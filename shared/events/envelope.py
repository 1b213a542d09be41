"""CloudEvents 1.0 in Kafka binary mode: attributes in `ce_*` headers, the data as the JSON body."""
import functools
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError

_ATTRIBUTES = ("id", "source", "type", "subject", "time", "specversion")


class MalformedEvent(Exception):
    """An event that can never be processed, however often it is retried."""


class Envelope(BaseModel):
    id: UUID
    source: str
    type: str
    subject: str | None = None
    time: datetime
    specversion: str = "1.0"
    datacontenttype: str = "application/json"
    data: dict[str, Any]


def to_kafka(envelope: Envelope) -> tuple[list[tuple[str, bytes]], bytes]:
    """The `ce_*` headers (a list, as Kafka's headers are) and the body."""
    headers = kafka_headers(id=envelope.id, source=envelope.source, type=envelope.type, subject=envelope.subject,
                            time=envelope.time, specversion=envelope.specversion,
                            datacontenttype=envelope.datacontenttype)
    body = json.dumps(envelope.data, separators=(",", ":"), ensure_ascii=False).encode()
    return headers, body


def kafka_headers(*, id: UUID, source: str, type: str, subject: str | None, time: datetime,
                  specversion: str = "1.0", datacontenttype: str = "application/json") -> list[tuple[str, bytes]]:
    """An event's attributes as `ce_*` headers (a subject that is None is left out) and its content type.

    The relay builds these for every event it sends: the few values that repeat (source, type,
    version, content type) are encoded once (`_encoded`)."""
    headers = [("ce_id", str(id).encode()), ("ce_source", _encoded(source)), ("ce_type", _encoded(type))]
    if subject is not None:
        headers.append(("ce_subject", subject.encode()))
    headers += (("ce_time", time.isoformat().encode()), ("ce_specversion", _encoded(specversion)),
                ("content-type", _encoded(datacontenttype)))
    return headers


@functools.lru_cache(maxsize=512)
def _encoded(text: str) -> bytes:
    return text.encode()


def from_kafka(headers: list[tuple[str, bytes]] | None, value: bytes | None) -> Envelope:
    attributes: dict[str, Any] = {}
    for name, raw in headers or ():
        if name.startswith("ce_") and name[3:] in _ATTRIBUTES and name[3:] not in attributes:
            attributes[name[3:]] = raw.decode("utf-8", errors="replace")
        elif name == "content-type":
            attributes["datacontenttype"] = raw.decode("utf-8", errors="replace")
    if attributes.get("datacontenttype", "application/json") != "application/json":
        raise MalformedEvent(f"unsupported content type {attributes['datacontenttype']!r}")
    try:
        data = json.loads(value or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedEvent(f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("body must be a JSON object")
    try:
        return Envelope(**attributes, data=data)
    except ValidationError as exc:
        raise MalformedEvent(f"envelope is not a CloudEvent: {_short(exc)}") from exc


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
