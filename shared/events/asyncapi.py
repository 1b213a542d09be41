"""The event contract as an AsyncAPI 3.0 document, generated from the catalogue's models: who
publishes each event (a `send` operation per topic), who consumes it (a `receive` operation per
consuming service and topic, from shared/events/consumers.py, which every service's handler
registration must match to start), the dead-letter
topics, an example of each message, and the brokers from the settings."""
import copy
import uuid

from shared.events.consumers import CONSUMERS, consumer_group, split_by_urgency
from shared.events.types import DEAD_LETTER_HEADERS, EVENT_TYPES, TOPICS, dead_letter_topic
from shared.settings import Settings, get_settings

_CE_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode, and W3C trace context.",
    "required": ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion"],
    "properties": {
        "ce_id": {"type": "string", "format": "uuid", "description": "Event id, a UUIDv7"},
        "ce_source": {"type": "string", "examples": ["omsorg/orders"]},
        "ce_type": {"type": "string"},
        "ce_subject": {"type": "string"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_specversion": {"const": "1.0"},
        "content-type": {"const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context of the request that caused the event"},
        "tracestate": {"type": "string"},
    },
}

_DEAD_LETTER_MESSAGE = {
    "name": "dead-letter",
    "title": "dead letter",
    "summary": "An event a consumer could not process, as it was read, with what went wrong",
    "description": "The value and key are the original record's, unchanged (they may be malformed: that can be"
                   " why the event is here); its headers are kept and the dlq_* headers added.",
    "headers": {
        "type": "object",
        "required": sorted(DEAD_LETTER_HEADERS),
        "properties": {
            **{name: {"type": "string", "description": text} for name, text in DEAD_LETTER_HEADERS.items()},
            **_CE_HEADERS["properties"],
        },
    },
    "payload": {"description": "the original record's value"},
}

_SECURITY_SCHEMES = {
    "SCRAM-SHA-256": ("scramSha256", {"type": "scramSha256"}),
    "SCRAM-SHA-512": ("scramSha512", {"type": "scramSha512"}),
    "PLAIN": ("plain", {"type": "plain"}),
}

# Fixed example values, so the document is the same on every call.
_EXAMPLE_DATE, _EXAMPLE_TIME = "2026-03-02", "2026-03-02T09:30:00+01:00"
_EXAMPLE_STRINGS = {"unit": "vuxen", "email": "anna.handlaggare@kommun.example", "kind": "LVM",
                    "person_ref": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}


def _camel(name: str) -> str:
    head, *rest = name.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def _pascal(name: str) -> str:
    camel = _camel(name)
    return camel[0].upper() + camel[1:]


def example(schema: dict, schemas: dict, name: str = "") -> object:
    """A value that fits `schema` (a model's JSON schema, $refs into `schemas`), with every
    optional field filled in, so the example shows the whole message."""
    if "$ref" in schema:
        return example(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branch = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema["anyOf"][0])
        return example(branch, schemas, name)
    kind = schema.get("type")
    if kind == "object":
        return {field: example(sub, schemas, field) for field, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), schemas, name)]
    if schema.get("default") is not None:
        return schema["default"]
    if kind == "string":
        return {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"omsorg:{name}")), "date": _EXAMPLE_DATE,
                "date-time": _EXAMPLE_TIME}.get(schema.get("format"), _EXAMPLE_STRINGS.get(name, name or "text"))
    if kind == "integer":
        return 2026 if "year" in name else 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return name or "value"


def servers(settings: Settings) -> tuple[dict, dict]:
    """One server per bootstrap address, with the settings' security protocol; and the security
    schemes they name."""
    protocol = settings.kafka_security_protocol
    security, schemes = [], {}
    if protocol.startswith("SASL_"):
        scheme_id, scheme = _SECURITY_SCHEMES[settings.kafka_sasl_mechanism]
        schemes[scheme_id] = {**scheme, "description": f"SASL {settings.kafka_sasl_mechanism} login"}
        security.append({"$ref": f"#/components/securitySchemes/{scheme_id}"})
    if protocol.endswith("SSL") and settings.kafka_ssl_certfile:
        schemes["clientCertificate"] = {"type": "X509", "description": "TLS client certificate"}
        security.append({"$ref": "#/components/securitySchemes/clientCertificate"})
    tls = "TLS" if protocol.endswith("SSL") else "no TLS"
    found = {}
    for n, address in enumerate(settings.kafka_bootstrap_list(), 1):
        found[f"broker{n}"] = {
            "host": address,
            "protocol": "kafka-secure" if protocol.endswith("SSL") else "kafka",
            "description": f"Kafka bootstrap server, security protocol {protocol} ({tls})."
                           + (f" Topic names carry the prefix {settings.topic_prefix!r}." if settings.topic_prefix else ""),
            "bindings": {"kafka": {"bindingVersion": "0.5.0"}},
            **({"security": security} if security else {}),
        }
    return found, schemes


def asyncapi_document(settings: Settings | None = None, version: str = "0.1.0") -> dict:
    """The document for these settings; made once per process for the same broker settings."""
    settings = settings or get_settings()
    key = (settings.kafka_bootstrap, settings.kafka_security_protocol, settings.kafka_sasl_mechanism,
           bool(settings.kafka_ssl_certfile), settings.topic_prefix, version)
    if key not in _MADE:
        _MADE[key] = _document(settings, version)
    return copy.deepcopy(_MADE[key])


_MADE: dict[tuple, dict] = {}


def _document(settings: Settings, version: str) -> dict:
    schemas: dict = {}
    messages: dict = {"deadLetter": _DEAD_LETTER_MESSAGE}
    channels: dict = {}
    operations: dict = {}
    for entry in EVENT_TYPES.values():
        schema = entry.model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[entry.model.__name__] = schema
    for topic in TOPICS:
        channel_id, publisher = _camel(topic), topic.split(".")[0]
        channel_messages = {}
        for entry in (e for e in EVENT_TYPES.values() if e.topic == topic):
            message_id = _camel(entry.name)
            payload = example(schemas[entry.model.__name__], schemas)
            messages[message_id] = {
                "name": entry.name,
                "title": entry.name,
                "summary": (entry.model.__doc__ or "").strip().splitlines()[0] if entry.model.__doc__ else entry.name,
                "contentType": "application/json",
                "headers": _CE_HEADERS,
                "payload": {"$ref": f"#/components/schemas/{entry.model.__name__}"},
                "bindings": {"kafka": {"key": {"type": "string", "description": "the aggregate id"}}},
                "examples": [{
                    "name": message_id,
                    "headers": {"ce_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"omsorg:event:{entry.name}")),
                                "ce_source": f"omsorg/{publisher}", "ce_type": entry.name, "ce_time": _EXAMPLE_TIME,
                                "ce_specversion": "1.0", "content-type": "application/json"},
                    "payload": payload,
                }],
            }
            channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        dead_id = f"{channel_id}DeadLetters"
        channels[channel_id] = {
            "address": topic,
            "description": f"Events of {publisher}, keyed by aggregate id; what a consumer cannot process"
                           f" goes to {dead_letter_topic(topic)}.",
            "messages": channel_messages,
        }
        channels[dead_id] = {
            "address": dead_letter_topic(topic),
            "description": f"Dead letters of {topic}: events a consumer could not process (malformed, of an"
                           " unknown type, or its handler kept failing), for an operator to look at.",
            "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
        }
        operations[f"publish{_pascal(channel_id)}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"{publisher} publishes through its transactional outbox",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel_messages],
        }
        readers = []
        for service, handled in sorted(CONSUMERS.items()):
            handled_here = [name for name in sorted(handled) if EVENT_TYPES[name].topic == topic]
            mine = [_camel(name) for name in handled_here]
            if not mine:
                continue
            readers.append(service)
            _, unhurried = split_by_urgency(service, handled, lambda name: EVENT_TYPES[name].topic)
            late = bool(unhurried & set(handled_here))
            group = settings.topic(consumer_group(service, unhurried=late))
            operations[f"{service}Receives{_pascal(channel_id)}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"{service} consumes these events (inbox: each takes effect once)"
                           + ("; an unhurried consumer, a few seconds late at most" if late else ""),
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in mine],
                "bindings": {"kafka": {"groupId": {"type": "string", "enum": [group]},
                                       "bindingVersion": "0.5.0"}},
            }
        if readers:
            operations[f"deadLetter{_pascal(channel_id)}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{dead_id}"},
                "summary": f"{', '.join(readers)} put what they cannot process of {topic} here",
                "messages": [{"$ref": f"#/channels/{dead_id}/messages/deadLetter"}],
            }
    server_map, schemes = servers(settings)
    components = {"schemas": schemas, "messages": messages}
    if schemes:
        components["securitySchemes"] = schemes
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Omsorg events", "version": version,
                 "description": "Every event Omsorg publishes and who consumes it. Topic names may carry a"
                                " deployment prefix."},
        "defaultContentType": "application/json",
        "servers": server_map,
        "channels": channels,
        "operations": operations,
        "components": components,
    }
