"""How every Kafka client reaches the broker, one idempotent producer per process, and the
topics every service relies on."""
import asyncio
import logging
import random
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from murmurhash2 import murmurhash2
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

from shared.events.types import TOPICS, dead_letter_topic
from shared.settings import Settings

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("omsorg.kafka")


def kafka_options(settings: Settings) -> dict[str, Any]:
    """The connection options of every producer, consumer and admin client: bootstrap servers,
    security protocol, SASL login and TLS context, all from OMSORG_KAFKA_* settings."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap, "security_protocol": protocol}
    if protocol.startswith("SASL_"):
        options.update(sasl_mechanism=settings.kafka_sasl_mechanism,
                       sasl_plain_username=settings.kafka_username,
                       sasl_plain_password=settings.kafka_password)
    if protocol.endswith("SSL"):
        options["ssl_context"] = create_ssl_context(
            cafile=settings.kafka_ssl_cafile or None,
            certfile=settings.kafka_ssl_certfile or None,
            keyfile=settings.kafka_ssl_keyfile or None,
        )
    return options


def describe_connection(settings: Settings) -> str:
    """Where and how the clients connect, for error messages: never the password."""
    how = settings.kafka_security_protocol
    if how.startswith("SASL_"):
        how += f" {settings.kafka_sasl_mechanism} as {settings.kafka_username!r}"
    return f"{settings.kafka_bootstrap} ({how})"


# The seed of the Java client's murmur2 (org.apache.kafka.common.utils.Utils.murmur2).
_MURMUR2_SEED = 0x9747B28C


def partition_of(key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
    """Kafka's default partitioner: the key's murmur2, made positive, modulo the partition count,
    the partition the Java client and aiokafka's `DefaultPartitioner` choose (a key without one:
    any available partition). The hash is the `murmurhash2` package's C, where aiokafka's is
    Python: about 10 µs a key, a twentieth of the watch's CPU while it fires timers."""
    if key is None:
        return random.choice(available or all_partitions)
    return all_partitions[(murmurhash2(key, _MURMUR2_SEED) & 0x7FFFFFFF) % len(all_partitions)]


# How every producer of the services delivers: idempotent, acknowledged by all in-sync replicas,
# at once (no linger: the relay already sends a batch at a time).
DELIVERY: dict[str, Any] = {"enable_idempotence": True, "acks": "all", "linger_ms": 0, "request_timeout_ms": 15000}


def create_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(**kafka_options(settings), **DELIVERY, partitioner=partition_of)


class SendSpan:
    """A PRODUCER span `<topic> send` over the messages sent in it: one, or a batch of messages
    of one topic that continue the same trace (`count` of them, `messaging.batch.message_count`),
    a child of `parent` (the current context if None). Its `traceparent` goes into each message's
    headers, so that each consumer's span is its child. It ends once `close` has been called and
    the broker has acknowledged or refused every message sent in it; a refusal makes it an error."""

    def __init__(self, topic: str, *, parent: otel_context.Context | None = None, count: int = 1,
                 key: bytes | None = None, message_id: str | None = None, tracer: trace.Tracer | None = None):
        attributes = {"messaging.system": "kafka", "messaging.operation.type": "send",
                      "messaging.destination.name": topic}
        if count > 1:
            attributes["messaging.batch.message_count"] = count
        if key is not None:
            attributes["messaging.kafka.message.key"] = key.decode(errors="replace")
        if message_id is not None:
            attributes["messaging.message.id"] = message_id
        self.topic = topic
        self.span = (tracer or _tracer).start_span(f"{topic} send", context=parent, kind=trace.SpanKind.PRODUCER,
                                      attributes=attributes)
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=trace.set_span_in_context(self.span, parent))
        self.headers = [(name, text.encode()) for name, text in carrier.items()]
        self._pending = 0
        self._open = True
        self._ended = False
        self._error: BaseException | None = None

    async def send(self, producer: AIOKafkaProducer, *, key: bytes | None, value: bytes,
                   headers: list[tuple[str, bytes]]) -> asyncio.Future:
        """Send one message in the span; aiokafka's future, resolved when the broker answers."""
        try:
            sent = await producer.send(self.topic, value=value, key=key, headers=headers + self.headers)
        except BaseException as exc:
            self._error = self._error or exc
            self.close()
            raise
        self._pending += 1
        sent.add_done_callback(self._answered)
        return sent

    def close(self) -> None:
        """No more messages: the span ends when the last one sent is answered (now if none is waiting)."""
        self._open = False
        self._end_if_done()

    def _answered(self, done: asyncio.Future) -> None:
        self._pending -= 1
        if not done.cancelled() and done.exception() is not None:
            self._error = self._error or done.exception()
        self._end_if_done()

    def _end_if_done(self) -> None:
        if self._open or self._pending or self._ended:
            return
        self._ended = True
        if self._error is not None:
            self.span.record_exception(self._error)
            self.span.set_status(trace.Status(trace.StatusCode.ERROR, str(self._error)))
        self.span.end()


def all_topics(settings: Settings) -> list[str]:
    return [settings.topic(t) for t in TOPICS] + [settings.topic(dead_letter_topic(t)) for t in TOPICS]


# A segment is deleted whole, once its newest event is older than the retention: segments of at
# most a day keep an event at most the retention and a day (and the broker's check interval,
# log.retention.check.interval.ms, 5 minutes by default).
SEGMENT_MS = 24 * 3_600_000


def topic_configs(settings: Settings) -> dict[str, dict[str, str]]:
    """Each topic's configuration as the services set it: deleted after the retention of the
    settings (never compacted, which would keep the last event of every key for good)."""
    def config(hours: int) -> dict[str, str]:
        retention_ms = hours * 3_600_000
        return {"cleanup.policy": "delete", "retention.ms": str(retention_ms),
                "segment.ms": str(min(retention_ms, SEGMENT_MS))}
    events, dead = config(settings.kafka_retention_hours), config(settings.kafka_dead_letter_retention_hours)
    return {**{settings.topic(t): events for t in TOPICS},
            **{settings.topic(dead_letter_topic(t)): dead for t in TOPICS}}


async def ensure_topics(settings: Settings, groups: Sequence[str] = ()) -> None:
    """Create the event topics and their dead-letter topics if they are missing, with
    OMSORG_KAFKA_TOPIC_PARTITIONS partitions and OMSORG_KAFKA_REPLICATION_FACTOR replicas, give
    every one of them the retention of the settings (`topic_configs`; an existing topic whose
    configuration differs is altered), and wait until they and the coordinators of the consumer
    `groups` answer.

    This is also the service's first contact with the broker: a refused login or an
    unreachable broker stops the start with a message that says where and how it connected."""
    admin = AIOKafkaAdminClient(**kafka_options(settings), request_timeout_ms=15000)
    try:
        await admin.start()
    except KafkaError as exc:
        await admin.close()
        protocol = settings.kafka_security_protocol
        check = ["the address", "OMSORG_KAFKA_SECURITY_PROTOCOL"]
        check += ["OMSORG_KAFKA_USERNAME/PASSWORD"] if protocol.startswith("SASL_") else []
        check += ["OMSORG_KAFKA_SSL_CAFILE (the broker's certificate must verify)"] if protocol.endswith("SSL") else []
        raise RuntimeError(f"cannot connect to Kafka at {describe_connection(settings)}: {exc!r};"
                           f" check {', '.join(check)}; the broker's own answer is logged just before") from exc
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics(settings) if t not in existing]
        if missing:
            if settings.env == "prod" and settings.kafka_replication_factor < 2:
                log.warning("creating topics with one replica (OMSORG_KAFKA_REPLICATION_FACTOR=1):"
                            " a lost broker loses events; production should use 3")
            try:
                await admin.create_topics([
                    NewTopic(t, num_partitions=settings.kafka_topic_partitions,
                             replication_factor=settings.kafka_replication_factor,
                             topic_configs=topic_configs(settings)[t]) for t in missing
                ])
            except TopicAlreadyExistsError:
                pass  # another replica (or service) was quicker
        # A consumer that asks a new partition for offsets before it has a leader gets an error
        # (logged by aiokafka as ERROR, then retried): wait until each one has its leader, also
        # where another service created the topics a moment ago.
        await _until_led(admin, settings, all_topics(settings))
        await align_configs(admin, topic_configs(settings))
        # On a new broker the group coordinators live in a topic (__consumer_offsets) the broker
        # creates at the first request; a consumer that asks before it is ready logs an ERROR.
        await _until_coordinated(admin, groups)
    finally:
        await admin.close()


async def describe_configs(admin: AIOKafkaAdminClient, topics: Sequence[str],
                           names: Sequence[str]) -> dict[str, dict[str, str]]:
    """The values of the configuration entries `names` of each of `topics`, as the broker has them."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, topic, dict.fromkeys(names)) for topic in topics]
    found: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for error_code, error_message, _, topic, entries in response.resources:
            if error_code:
                raise RuntimeError(f"cannot read the configuration of topic {topic}: error {error_code}"
                                   f" {error_message}")
            found[topic] = {entry[0]: entry[1] for entry in entries}
    return found


async def align_configs(admin: AIOKafkaAdminClient, wanted: dict[str, dict[str, str]]) -> list[str]:
    """Alter every topic of `wanted` whose configuration differs from it; the topics altered.
    AlterConfigs replaces a topic's own settings as a whole, so each is given all its entries. A
    broker that refuses (no ALTER_CONFIGS right) stops the start: a topic must not keep events
    that name persons longer than documented."""
    names = sorted({name for config in wanted.values() for name in config})
    current = await describe_configs(admin, list(wanted), names)
    differ = {topic: config for topic, config in wanted.items()
              if any(current.get(topic, {}).get(name) != value for name, value in config.items())}
    if not differ:
        return []
    for topic, config in differ.items():
        log.info("topic %s: configuration %s set to %s", topic, current.get(topic), config)
    responses = await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, config)
                                           for topic, config in differ.items()])
    refused = [f"{topic}: error {error_code} {error_message}"
               for response in responses for error_code, error_message, _, topic in response.resources
               if error_code]
    if refused:
        raise RuntimeError("cannot set the retention of the topics (OMSORG_KAFKA_RETENTION_HOURS,"
                           " OMSORG_KAFKA_DEAD_LETTER_RETENTION_HOURS): " + "; ".join(refused))
    return sorted(differ)


async def _until_led(admin: AIOKafkaAdminClient, settings: Settings, topics: list[str],
                     timeout: float = 30) -> None:
    """Wait until every partition of `topics` has a leader that answers for it, at most `timeout`
    seconds. The metadata names a leader a moment before that broker serves the partition, so
    after the metadata the partitions' end offsets are asked (retried quietly by aiokafka)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        described = await admin.describe_topics(topics)
        waiting = [t["topic"] for t in described if t["error_code"] != 0 or not t["partitions"]
                   or any(p["error_code"] != 0 or p["leader"] < 0 for p in t["partitions"])]
        if not waiting:
            break
        if loop.time() > deadline:
            log.warning("topics without a leader after %s s: %s; going on", timeout, ", ".join(sorted(waiting)))
            return
        await asyncio.sleep(0.2)
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    probe = AIOKafkaConsumer(**kafka_options(settings), enable_auto_commit=False)
    try:
        await probe.start()
        await asyncio.wait_for(probe.end_offsets(partitions), max(1.0, deadline - loop.time()))
    except (KafkaError, asyncio.TimeoutError) as exc:
        log.warning("the topics' partitions did not all answer within %s s (%r); going on", timeout, exc)
    finally:
        await probe.stop()


async def _until_coordinated(admin: AIOKafkaAdminClient, groups: Sequence[str], timeout: float = 30) -> None:
    """Wait until each consumer group has a coordinator, at most `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    for group in groups:
        while True:
            try:
                await admin.find_coordinator(group)
                break
            except KafkaError as exc:
                if loop.time() > deadline:
                    log.warning("no coordinator for consumer group %s after %s s (%r); going on", group, timeout, exc)
                    return
                await asyncio.sleep(0.2)
