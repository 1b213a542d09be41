"""The AsyncAPI document is valid against the official AsyncAPI 3.0 schema, names every topic,
event type, publisher, consumer and dead-letter topic, its examples fit their payloads, its
servers follow the settings, and every reference resolves."""
import json
import secrets
from pathlib import Path

import jsonschema
import pytest

from services.journal.main import SERVICE as JOURNAL
from services.notify.main import SERVICE as NOTIFY
from services.orders.main import SERVICE as ORDERS
from services.registry.main import SERVICE as REGISTRY
from services.watch.main import service as watch_service
from services.watch.settings import WatchSettings
from shared.cli import main
from shared.consumer import consumer_lanes
from shared.events import EVENT_TYPES
from shared.events.asyncapi import asyncapi_document
from shared.events.consumers import CONSUMERS, check_consumes, consumer_group
from shared.events.types import DEAD_LETTER_HEADERS, TOPICS, dead_letter_topic
from shared.settings import Settings

OFFICIAL_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "asyncapi-3.0.0.json").read_text())
TEST = Settings(env="test", kafka_bootstrap="127.0.0.1:19092", kafka_security_protocol="PLAINTEXT")


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved reference {ref}"
        node = node[part]
    return node


def _follow(document: dict, ref: str):
    """Resolve `ref`, and the references it leads to, down to the object itself."""
    node = _resolve(document, ref)
    while "$ref" in node:
        node = _resolve(document, node["$ref"])
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


def _valid(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(OFFICIAL_SCHEMA)
    return [f"{e.json_path}: {e.message[:300]}" for e in validator.iter_errors(document)]


def _sasl_ssl(**more) -> Settings:
    return Settings(env="test", kafka_bootstrap="kafka-1.kommun.se:9093,kafka-2.kommun.se:9093",
                    kafka_security_protocol="SASL_SSL", kafka_username="omsorg",
                    kafka_password=secrets.token_hex(32), **more)


def test_the_document_is_valid_against_the_official_asyncapi_schema():
    assert _valid(asyncapi_document(TEST)) == []
    assert _valid(asyncapi_document(_sasl_ssl())) == []


def test_the_official_schema_check_can_fail():
    document = asyncapi_document(TEST)
    document["operations"]["publishRegistryEvents"]["action"] = "publish"  # AsyncAPI 2's word
    assert _valid(document)


def test_every_topic_and_event_type_is_documented():
    doc = asyncapi_document(TEST)
    assert doc["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(TOPICS) | {dead_letter_topic(t) for t in TOPICS}
    names = {m["name"] for m in doc["components"]["messages"].values()} - {"dead-letter"}
    assert names == set(EVENT_TYPES)
    for channel in doc["channels"].values():
        for message_ref in channel["messages"].values():
            message = _resolve(doc, message_ref["$ref"])
            if channel["address"].endswith(".dlq"):
                assert message["name"] == "dead-letter"
            else:
                assert EVENT_TYPES[message["name"]].topic == channel["address"]


def test_every_reference_resolves_and_payloads_match_the_models():
    doc = asyncapi_document(TEST)
    for ref in _refs(doc):
        _resolve(doc, ref)
    for message in doc["components"]["messages"].values():
        if message["name"] == "dead-letter":
            continue
        payload = _resolve(doc, message["payload"]["$ref"])
        model = EVENT_TYPES[message["name"]].model
        assert set(payload["properties"]) == set(model.model_fields)
        assert set(payload.get("required", [])) == {n for n, f in model.model_fields.items() if f.is_required()}


def test_receive_operations_are_who_consumes_what_by_the_services_own_handlers():
    doc = asyncapi_document(TEST)
    received: dict[str, set[str]] = {}
    for operation in doc["operations"].values():
        if operation["action"] == "receive":
            group = operation["bindings"]["kafka"]["groupId"]["enum"][0]
            received.setdefault(group, set()).update(
                _follow(doc, ref["$ref"])["name"] for ref in operation["messages"])
            channel = _resolve(doc, operation["channel"]["$ref"])
            for ref in operation["messages"]:
                assert ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
                assert EVENT_TYPES[_follow(doc, ref["$ref"])["name"]].topic == channel["address"]
    registrations = {}   # each service's consumer groups, as shared/service.py starts them (ADR 0030)
    for s in (REGISTRY, JOURNAL, ORDERS, NOTIFY, watch_service(TEST, WatchSettings())):
        for lane, handlers in consumer_lanes(s.name, dict(s.handlers)):
            registrations[TEST.topic(consumer_group(s.name, lane))] = set(handlers)
    assert received == registrations


def test_each_service_handles_what_the_contract_says_it_consumes_or_does_not_start():
    for service in (REGISTRY, JOURNAL, ORDERS, NOTIFY, watch_service(TEST, WatchSettings())):
        check_consumes(service.name, service.handlers)
        assert set(service.handlers) == CONSUMERS[service.name]
    with pytest.raises(ValueError, match=r"journal handles \['order.sent'\] beyond and lacks \[\]"):
        check_consumes("journal", {**JOURNAL.handlers, "order.sent": None})


def test_every_consumed_topic_has_its_dead_letter_channel_and_operation():
    doc = asyncapi_document(TEST)
    dead = {c["address"]: c for c in doc["channels"].values() if c["address"].endswith(".dlq")}
    message = doc["components"]["messages"]["deadLetter"]
    assert set(message["headers"]["required"]) == set(DEAD_LETTER_HEADERS)
    consumed = {EVENT_TYPES[t].topic for types in CONSUMERS.values() for t in types}
    sent_to = {_resolve(doc, o["channel"]["$ref"])["address"] for o in doc["operations"].values()
               if o["action"] == "send" and o["channel"]["$ref"].endswith("DeadLetters")}
    assert sent_to == {dead_letter_topic(t) for t in consumed}
    assert set(dead) == {dead_letter_topic(t) for t in TOPICS}


def test_every_message_has_an_example_valid_against_its_payload_schema_and_model():
    doc = asyncapi_document(TEST)
    for message_id, message in doc["components"]["messages"].items():
        if message["name"] == "dead-letter":
            continue
        [sample] = message["examples"]
        schema = {**_resolve(doc, message["payload"]["$ref"]), "components": doc["components"]}
        errors = [e.message for e in jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(sample["payload"])]
        assert errors == [], f"{message_id}: {errors}"
        EVENT_TYPES[message["name"]].model.model_validate(sample["payload"])
        headers_errors = [e.message for e in jsonschema.Draft202012Validator(message["headers"]).iter_errors(sample["headers"])]
        assert headers_errors == [] and sample["headers"]["ce_type"] == message["name"]
    # The check can fail: an example with a field of the wrong type is caught.
    opened = doc["components"]["messages"]["caseOpened"]
    bad = {**opened["examples"][0]["payload"], "case_id": 42}
    schema = {**_resolve(doc, opened["payload"]["$ref"]), "components": doc["components"]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_servers_follow_the_settings():
    assert asyncapi_document(TEST)["servers"] == {"broker1": {
        "host": "127.0.0.1:19092", "protocol": "kafka",
        "description": "Kafka bootstrap server, security protocol PLAINTEXT (no TLS).",
        "bindings": {"kafka": {"bindingVersion": "0.5.0"}}}}
    settings = _sasl_ssl()
    doc = asyncapi_document(settings)
    assert [s["host"] for s in doc["servers"].values()] == ["kafka-1.kommun.se:9093", "kafka-2.kommun.se:9093"]
    for server in doc["servers"].values():
        assert server["protocol"] == "kafka-secure" and "SASL_SSL" in server["description"]
        assert [_resolve(doc, s["$ref"])["type"] for s in server["security"]] == ["scramSha512"]
    assert settings.kafka_password not in json.dumps(doc)


@pytest.mark.parametrize("mechanism,scheme", [("SCRAM-SHA-256", "scramSha256"), ("PLAIN", "plain")])
def test_the_security_scheme_is_the_sasl_mechanism(mechanism, scheme):
    doc = asyncapi_document(_sasl_ssl(kafka_sasl_mechanism=mechanism))
    assert [s["type"] for s in doc["components"]["securitySchemes"].values()] == [scheme]
    assert _valid(doc) == []


def test_cli_writes_the_document(tmp_path):
    out = tmp_path / "asyncapi.json"
    assert main(["asyncapi", "--out", str(out)]) == 0
    # The command reads the settings of its environment, as a service does.
    assert json.loads(out.read_text()) == json.loads(json.dumps(asyncapi_document(Settings(env="test"))))
