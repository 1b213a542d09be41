"""One idempotent producer per process, and the topics every service relies on."""
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.events.types import TOPICS
from shared.settings import Settings

log = logging.getLogger(__name__)


def create_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=0,  # events leave at once; the relay already sends a batch at a time
        request_timeout_ms=15000,
    )


def all_topics(settings: Settings) -> list[str]:
    return [settings.topic(t) for t in TOPICS] + [settings.topic(f"{t}.dlq") for t in TOPICS]


async def ensure_topics(settings: Settings, partitions: int = 3) -> None:
    """Create the event topics and their dead-letter topics if they are missing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics(settings) if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing]
                )
            except TopicAlreadyExistsError:
                pass  # another replica was quicker
    finally:
        await admin.close()
