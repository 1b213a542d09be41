"""The AsyncAPI document against the events the flow really published: every event's type is
in the document, on the channel (topic) the document gives it, with CloudEvents headers and a
body valid by the message's JSON Schema, with no field the document does not name."""
import copy
import json

import httpx
import jsonschema

from shared.events.types import TOPICS
from tests.stack import read_topic


def closed(schema):
    """The schema with every object closed to properties it does not name (pydantic leaves them
    open, so consumers may ignore new fields; the publisher must still document every field)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    return schema


def contract(document: dict) -> dict[str, tuple[str, jsonschema.protocols.Validator, jsonschema.protocols.Validator]]:
    """By event type: its channel's address, and validators of its headers and of its body."""
    components = closed(document["components"])
    by_type = {}
    for channel in document["channels"].values():
        for ref in channel["messages"].values():
            message = components["messages"][ref["$ref"].rsplit("/", 1)[1]]
            payload = {**message["payload"], "components": components}
            headers = message["headers"]
            by_type[message["name"]] = (
                channel["address"],
                jsonschema.Draft202012Validator(headers, format_checker=jsonschema.FormatChecker()),
                jsonschema.Draft202012Validator(payload, format_checker=jsonschema.FormatChecker()))
    return by_type


def first_headers(record) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in record.headers:
        found.setdefault(name, value.decode())
    return found


async def test_every_published_event_is_in_the_asyncapi_document(played):
    env = played.env
    async with httpx.AsyncClient() as client:
        document = (await client.get(f"{played.procs['orders'].url}/events/asyncapi.json")).json()
    by_type = contract(document)
    seen, wrong = set(), []
    for topic in TOPICS:
        for record in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=5):
            headers = first_headers(record)
            type_ = headers.get("ce_type")
            where = f"{topic}@{record.offset} {type_}"
            if type_ not in by_type:
                wrong.append(f"{where}: type not in the document")
                continue
            address, header_schema, body_schema = by_type[type_]
            if address != topic:
                wrong.append(f"{where}: the document puts it on {address}")
            for error in header_schema.iter_errors(headers):
                wrong.append(f"{where}: header {error.json_path}: {error.message}")
            for error in body_schema.iter_errors(json.loads(record.value)):
                wrong.append(f"{where}: {error.json_path}: {error.message}")
            seen.add(type_)
    assert not wrong, "\n".join(wrong)
    assert seen >= set(played.flow.expected_events()) | {"access.logged"}, "every kind of event the flow made was checked"


async def test_no_free_text_written_by_staff_travels_on_the_bus(played):
    """Events carry codes and ids: the reasons staff write (for a correction, a redirect), an
    order's details and a note's text stay in the service that owns them."""
    texts = ["Fel datum: hembesöket var i förrgår.", "Utförare A har inte svarat; B har plats.",
             "Hjälp med inköp och städning, två gånger i veckan.", "Karin berättade", "Sonen ringde i förtroende"]
    env = played.env
    for topic in TOPICS:
        for record in await read_topic(env.kafka_bootstrap, env.topic(topic), timeout=5):
            body = (record.value or b"").decode()
            found = [t for t in texts if t in body or json.dumps(t)[1:-1] in body]
            assert not found, f"free text on {topic}: {found} in {body[:300]}"
