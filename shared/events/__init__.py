"""The integration contract: CloudEvents envelope and the catalogue of event types."""
# Importing the catalogue registers every event type.
from shared.events import catalog  # noqa: E402,F401
from shared.events.envelope import Envelope, MalformedEvent, from_kafka, to_kafka
from shared.events.types import EVENT_TYPES, EventType, event_type, parse_data, type_of

__all__ = [
    "EVENT_TYPES", "Envelope", "EventType", "MalformedEvent", "event_type", "from_kafka",
    "parse_data", "to_kafka", "type_of",
]
