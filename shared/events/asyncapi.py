"""The event contract as an AsyncAPI 3.0 document, generated from the catalogue's models."""
from shared.events.types import EVENT_TYPES, TOPICS

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


def _camel(name: str) -> str:
    head, *rest = name.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def asyncapi_document(version: str = "0.1.0") -> dict:
    schemas: dict = {}
    messages: dict = {}
    channels: dict = {}
    operations: dict = {}
    for topic in TOPICS:
        channel_id = _camel(topic)
        channel_messages = {}
        for entry in (e for e in EVENT_TYPES.values() if e.topic == topic):
            message_id = _camel(entry.name)
            schema = entry.model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[entry.model.__name__] = schema
            messages[message_id] = {
                "name": entry.name,
                "title": entry.name,
                "summary": (entry.model.__doc__ or "").strip().splitlines()[0] if entry.model.__doc__ else entry.name,
                "contentType": "application/json",
                "headers": _CE_HEADERS,
                "payload": {"$ref": f"#/components/schemas/{entry.model.__name__}"},
                "bindings": {"kafka": {"key": {"type": "string", "description": "the aggregate id"}}},
            }
            channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        channels[channel_id] = {
            "address": topic,
            "description": f"Events of {topic.split('.')[0]}, keyed by aggregate id; failures go to {topic}.dlq.",
            "messages": channel_messages,
        }
        operations[f"publish{channel_id[0].upper()}{channel_id[1:]}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel_messages],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Omsorg events", "version": version,
                 "description": "Every event Omsorg publishes. Topic names may carry a deployment prefix."},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:19092", "protocol": "kafka",
                              "description": "the broker started by make up"}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
