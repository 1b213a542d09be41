"""The CloudEvents envelope in Kafka binary mode, and the event catalogue."""
import json
import uuid
from datetime import date, datetime, timezone

import pytest

from shared.events import EVENT_TYPES, Envelope, MalformedEvent, from_kafka, parse_data, to_kafka, type_of
from shared.events.catalog import CaseOpened
from shared.events.types import TOPICS


def _envelope(**data) -> Envelope:
    return Envelope(id=uuid.uuid4(), source="omsorg/registry", type="case.opened", subject="case/1",
                    time=datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc), data=data)


def test_round_trip_keeps_every_attribute():
    original = _envelope(case_id=str(uuid.uuid4()), unit="vuxen", kind="SoL", opened_on="2026-11-23")
    headers, body = to_kafka(original)
    names = [name for name, _ in headers]
    assert {"ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "ce_specversion"} <= set(names)
    assert isinstance(headers, list)
    assert from_kafka(headers, body) == original


def test_first_of_repeated_headers_wins():
    original = _envelope(a=1)
    headers, body = to_kafka(original)
    headers.append(("ce_type", b"something.else"))
    assert from_kafka(headers, body).type == "case.opened"


@pytest.mark.parametrize("body,message", [
    (b"{oops", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b"\xff\xfe", "not JSON"),
])
def test_bad_bodies_are_malformed(body, message):
    headers, _ = to_kafka(_envelope(a=1))
    with pytest.raises(MalformedEvent, match=message):
        from_kafka(headers, body)


def test_missing_attributes_are_malformed():
    with pytest.raises(MalformedEvent, match="id"):
        from_kafka([("ce_type", b"case.opened")], b"{}")


def test_unknown_type_and_missing_field_are_malformed():
    envelope = _envelope(case_id=str(uuid.uuid4()), kind="SoL", opened_on="2026-11-23")
    with pytest.raises(MalformedEvent, match="unit"):
        parse_data(envelope)
    with pytest.raises(MalformedEvent, match="unknown event type"):
        parse_data(envelope.model_copy(update={"type": "case.vanished"}))


def test_catalogue_maps_models_to_topics():
    data = CaseOpened(case_id=uuid.uuid4(), unit="vuxen", kind="SoL", opened_on=date(2026, 11, 23))
    assert type_of(data).name == "case.opened"
    assert type_of(data).topic == "registry.events"
    for entry in EVENT_TYPES.values():
        assert entry.topic in TOPICS
        assert entry.name == entry.name.lower() and "." in entry.name
        json.dumps(entry.model.model_json_schema())  # every type has a publishable schema
