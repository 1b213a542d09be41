"""The AsyncAPI document names every topic and event type, and every reference resolves."""
import json

from shared.cli import main
from shared.events import EVENT_TYPES
from shared.events.asyncapi import asyncapi_document
from shared.events.types import TOPICS


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved reference {ref}"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_topic_and_event_type_is_documented():
    doc = asyncapi_document()
    assert doc["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(TOPICS)
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert names == set(EVENT_TYPES)
    for channel in doc["channels"].values():
        for message_ref in channel["messages"].values():
            message = _resolve(doc, message_ref["$ref"])
            assert EVENT_TYPES[message["name"]].topic == channel["address"]


def test_every_reference_resolves_and_payloads_match_the_models():
    doc = asyncapi_document()
    for ref in _refs(doc):
        _resolve(doc, ref)
    for message in doc["components"]["messages"].values():
        payload = _resolve(doc, message["payload"]["$ref"])
        model = EVENT_TYPES[message["name"]].model
        assert set(payload["properties"]) == set(model.model_fields)
        assert set(payload.get("required", [])) == {n for n, f in model.model_fields.items() if f.is_required()}


def test_cli_writes_the_document(tmp_path):
    out = tmp_path / "asyncapi.json"
    assert main(["asyncapi", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(json.dumps(asyncapi_document()))
