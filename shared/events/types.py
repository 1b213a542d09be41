"""The catalogue of event types: each a past-tense fact, a pydantic model and its topic."""
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from shared.events.envelope import Envelope, MalformedEvent, _short

TOPICS = ("registry.events", "journal.events", "orders.events", "watch.events", "notify.events",
          "audit.access")
# A consumer puts each event it cannot process (malformed, unknown type, its handler keeps
# failing) on the dead-letter topic of the topic it came from, with DEAD_LETTER_HEADERS added.
DEAD_LETTER_SUFFIX = ".dlq"
DEAD_LETTER_HEADERS = {
    "dlq_error": "what went wrong (at most 4000 bytes)",
    "dlq_error_type": "the exception's class name",
    "dlq_consumer": "the consuming service (its consumer group, less the topic prefix)",
    "dlq_topic": "the topic the event was read from",
    "dlq_partition": "its partition",
    "dlq_offset": "its offset",
}


def dead_letter_topic(topic: str) -> str:
    """Where a consumer puts the events of `topic` it cannot process."""
    return f"{topic}{DEAD_LETTER_SUFFIX}"


@dataclass(frozen=True)
class EventType:
    name: str
    topic: str
    model: type[BaseModel]


EVENT_TYPES: dict[str, EventType] = {}
_BY_MODEL: dict[type[BaseModel], EventType] = {}


def event_type(name: str, topic: str):
    """Register a pydantic model as the data of event type `name`, published on `topic`."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")

    def register(model: type[BaseModel]) -> type[BaseModel]:
        if name in EVENT_TYPES:
            raise ValueError(f"event type {name!r} registered twice")
        entry = EventType(name, topic, model)
        EVENT_TYPES[name] = entry
        _BY_MODEL[model] = entry
        return model

    return register


def type_of(data: BaseModel) -> EventType:
    try:
        return _BY_MODEL[type(data)]
    except KeyError:
        raise ValueError(f"{type(data).__name__} is not a registered event type") from None


def parse_data(envelope: Envelope) -> BaseModel:
    entry = EVENT_TYPES.get(envelope.type)
    if entry is None:
        raise MalformedEvent(f"unknown event type {envelope.type!r}")
    try:
        return entry.model.model_validate(envelope.data)
    except ValidationError as exc:
        raise MalformedEvent(f"data of {envelope.type} is not valid: {_short(exc)}") from exc
