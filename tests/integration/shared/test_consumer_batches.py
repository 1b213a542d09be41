"""A fetched batch of events is handled in one transaction; one bad event in it costs
nothing: the batch is handled again one event at a time, the bad event reaches the
dead-letter topic once and every good event has its effect once."""
import signal
import uuid

from aiokafka import AIOKafkaProducer

from shared.kafka import kafka_options
from tests.integration.shared.test_dead_letter import _malformed, _valid
from tests.stack import eventually, read_topic


async def _produce(env, records) -> None:
    producer = AIOKafkaProducer(**kafka_options(env.settings))
    await producer.start()
    try:
        for key, (headers, body) in records:
            # One partition, so the consumer fetches them together.
            await producer.send(env.topic("registry.events"), value=body, key=key.encode(),
                                headers=headers, partition=0)
        await producer.flush()
    finally:
        await producer.stop()


async def _count_cases(env, case_ids) -> dict:
    conn = await env.db()
    try:
        rows = await conn.fetch("SELECT case_id, count(*) AS n FROM journal.cases"
                                " WHERE case_id = ANY($1::uuid[]) GROUP BY case_id", case_ids)
        inbox = await conn.fetchval("SELECT count(*) FROM journal.inbox WHERE consumer = 'journal'")
        return {"cases": {r["case_id"]: r["n"] for r in rows}, "inbox": inbox}
    finally:
        await conn.close()


async def _stopped_journal(env):
    """The journal has created its tables and topics, and is stopped, so what is produced
    now waits for it and comes in one fetch when it starts again."""
    journal = env.start("journal")
    await journal.wait_ready()
    journal.kill(signal.SIGTERM)
    return journal


async def test_a_batch_of_good_events_has_each_effect_once(env):
    journal = await _stopped_journal(env)
    cases = [uuid.uuid4() for _ in range(8)]
    events = [(str(c), _valid(c)) for c in cases]
    await _produce(env, events + [events[0], events[3]])  # two events delivered twice
    journal.start()
    await journal.wait_ready()

    async def all_there():
        seen = await _count_cases(env, cases)
        return seen if len(seen["cases"]) == len(cases) else None

    seen = await eventually(all_there)
    assert seen and set(seen["cases"].values()) == {1}
    assert seen["inbox"] == len(cases)  # the event sent twice more counted once
    assert "one by one" not in journal.log_path.read_text()


async def test_one_bad_event_in_a_batch_leaves_the_good_ones_done_once(env):
    journal = await _stopped_journal(env)
    before = [uuid.uuid4() for _ in range(4)]
    after = [uuid.uuid4() for _ in range(4)]
    bad_headers, bad_body = _malformed()["missing_field"]
    await _produce(env, [(str(c), _valid(c)) for c in before] + [("bad", (bad_headers, bad_body))]
                   + [(str(c), _valid(c)) for c in after])
    journal.start()
    await journal.wait_ready()
    cases = before + after

    async def all_there():
        seen = await _count_cases(env, cases)
        return seen if len(seen["cases"]) == len(cases) else None

    seen = await eventually(all_there)
    assert seen and set(seen["cases"].values()) == {1}
    assert seen["inbox"] == len(cases)
    dead = [r for r in await read_topic(env.kafka_bootstrap, env.topic("registry.events.dlq"), at_least=1)
            if dict(r.headers).get("dlq_consumer") == b"journal"]
    assert [r.key for r in dead] == [b"bad"]
    # The batch was tried whole first, then one event at a time.
    assert "handles a batch of 9 one by one" in journal.log_path.read_text()
