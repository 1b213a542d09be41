"""A malformed event goes to the dead-letter topic with its error; the consumer keeps going."""
import json
import re
import uuid

import httpx
from aiokafka import AIOKafkaProducer

from shared.events import Envelope, to_kafka
from shared.kafka import kafka_options
from tests import clock
from tests.stack import eventually, read_topic


def _valid(case_id: uuid.UUID) -> tuple[list, bytes]:
    return to_kafka(Envelope(id=uuid.uuid4(), source="omsorg/registry", type="case.opened",
                             time=clock.now(),
                             data={"case_id": str(case_id), "unit": "vuxen", "kind": "SoL",
                                   "opened_on": clock.today().isoformat()}))


def _malformed() -> dict[str, tuple[list, bytes]]:
    headers, body = _valid(uuid.uuid4())
    unknown = [(k, b"case.reopened_by_magic" if k == "ce_type" else v) for k, v in headers]
    fields = json.loads(body)
    del fields["unit"]
    return {
        "bad_json": (headers, b"{not json"),
        "unknown_type": (unknown, body),
        "missing_field": (headers, json.dumps(fields).encode()),
        "no_envelope": ([], body),
    }


async def dead_letters(url: str, topic: str) -> float:
    """The journal's omsorg_consumer_dead_letters_total for `topic` (0 before the first)."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    for labels, value in re.findall(r"^omsorg_consumer_dead_letters_total\{([^}]*)\} (\S+)$", text, re.MULTILINE):
        if 'service="journal"' in labels and f'topic="{topic}"' in labels:
            return float(value)
    return 0.0


async def test_malformed_events_are_dead_lettered_and_consumer_continues(stack):
    env, procs = stack
    counted_before = await dead_letters(procs["journal"].url, env.topic("registry.events"))
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        bad = _malformed()
        for name, (headers, body) in bad.items():
            await producer.send_and_wait(env.topic("registry.events"), value=body, key=name.encode(),
                                         headers=headers)
        good_case = uuid.uuid4()
        headers, body = _valid(good_case)
        await producer.send_and_wait(env.topic("registry.events"), value=body, key=str(good_case).encode(),
                                     headers=headers)
    finally:
        await producer.stop()

    async def journal_has_good_case():
        conn = await env.db()
        try:
            return await conn.fetchval("SELECT count(*) FROM journal.cases WHERE case_id = $1", good_case)
        finally:
            await conn.close()

    assert await eventually(journal_has_good_case) == 1

    dead = [r for r in await read_topic(env.kafka_bootstrap, env.topic("registry.events.dlq"), at_least=4)
            if dict(r.headers).get(b"dlq_consumer".decode()) == b"journal"]
    by_key = {r.key.decode(): dict(r.headers) for r in dead}
    assert set(by_key) == set(bad)
    assert b"not JSON" in by_key["bad_json"]["dlq_error"]
    assert b"unknown event type" in by_key["unknown_type"]["dlq_error"]
    assert b"unit" in by_key["missing_field"]["dlq_error"]
    assert by_key["missing_field"]["dlq_topic"] == env.topic("registry.events").encode()
    for headers in by_key.values():
        assert headers["dlq_error_type"] == b"MalformedEvent"
    # Counted for the metrics, per service and topic.
    assert await dead_letters(procs["journal"].url, env.topic("registry.events")) >= counted_before + len(bad)
