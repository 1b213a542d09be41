"""Every topic carries the retention of the settings on the real broker: set when the topic is
made, and restored at the next start when someone changed it or the settings changed. Events name
persons, so a culling is final only once they have aged out (docs/law.md, section 8)."""
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.events.types import TOPICS, dead_letter_topic
from shared.kafka import describe_configs, ensure_topics, kafka_options
from shared.settings import Settings

NAMES = ("cleanup.policy", "retention.ms", "segment.ms")
HOUR_MS = 3_600_000


async def configs(settings) -> dict[str, dict[str, str]]:
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        topics = [settings.topic(t) for t in TOPICS] + [settings.topic(dead_letter_topic(t)) for t in TOPICS]
        return await describe_configs(admin, topics, NAMES)
    finally:
        await admin.close()


def expected(settings, topic: str, hours: int) -> dict[str, str]:
    return {"cleanup.policy": "delete", "retention.ms": str(hours * HOUR_MS),
            "segment.ms": str(min(hours, 24) * HOUR_MS)}


def test_the_default_keeps_events_seven_days_and_dead_letters_fourteen():
    fields = Settings.model_fields
    assert (fields["kafka_retention_hours"].default, fields["kafka_dead_letter_retention_hours"].default) == (168, 336)


async def test_new_topics_carry_the_configured_retention(env):
    settings = env.settings.model_copy(update={"kafka_retention_hours": 48, "kafka_dead_letter_retention_hours": 72})
    await ensure_topics(settings)
    found = await configs(settings)
    for topic in TOPICS:
        assert found[settings.topic(topic)] == expected(settings, topic, 48), topic
        assert found[settings.topic(dead_letter_topic(topic))] == expected(settings, topic, 72), topic


async def test_an_existing_topic_whose_retention_differs_is_altered_at_the_next_start(env):
    settings = env.settings.model_copy(update={"kafka_retention_hours": 48, "kafka_dead_letter_retention_hours": 72})
    await ensure_topics(settings)
    changed = settings.topic("journal.events")
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:   # someone keeps the journal's events for a year, compacted
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, changed, {
            "cleanup.policy": "compact", "retention.ms": str(365 * 24 * HOUR_MS)})])
    finally:
        await admin.close()
    assert (await configs(settings))[changed]["cleanup.policy"] == "compact"

    await ensure_topics(settings)
    assert (await configs(settings))[changed] == expected(settings, "journal.events", 48)

    # The settings change: every topic follows at the next start; a retention under a day rolls
    # segments as often.
    shorter = settings.model_copy(update={"kafka_retention_hours": 6, "kafka_dead_letter_retention_hours": 24})
    await ensure_topics(shorter)
    found = await configs(shorter)
    for topic in TOPICS:
        assert found[shorter.topic(topic)] == {"cleanup.policy": "delete", "retention.ms": str(6 * HOUR_MS),
                                               "segment.ms": str(6 * HOUR_MS)}, topic
        assert found[shorter.topic(dead_letter_topic(topic))] == expected(shorter, topic, 24), topic
