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


async def test_a_batchs_inbox_rows_in_one_statement_let_each_event_through_once(env):
    """A batch with an event twice and one handled before: the handler, which counts every
    call, runs once for each event it had not seen, and the inbox holds each event once."""
    from aiokafka.structs import ConsumerRecord

    from shared.clock import Clock
    from shared.consumer import EventConsumer
    from shared.db import create_pool, migrate
    from shared.faults import Faults
    from shared.outbox import Outbox
    from shared.unit_of_work import Work

    settings = env.settings
    pool = await create_pool(settings.database_url, "batched", min_size=1, max_size=2)
    try:
        await migrate(pool, "batched", env.logs)
        await pool.execute("CREATE TABLE calls (seq bigserial PRIMARY KEY, event_id uuid NOT NULL)")

        async def counted(uow, envelope, data):
            await uow.conn.execute("INSERT INTO calls (event_id) VALUES ($1)", envelope.id)

        consumer = EventConsumer("batched", {"case.opened": counted},
                                 Work(pool, Outbox("batched", settings, Clock()), Clock(), settings), None,
                                 settings, Faults())
        events = [_valid(uuid.uuid4()) for _ in range(4)]
        ids = [uuid.UUID(dict(headers)["ce_id"].decode()) for headers, _ in events]
        await pool.execute("INSERT INTO inbox (consumer, event_id, type) VALUES ('batched', $1, 'case.opened')",
                           ids[3])

        def record(offset, event):
            headers, body = event
            return ConsumerRecord(settings.topic("registry.events"), 0, offset, 0, 0, None, body, None, 0,
                                  len(body), headers)

        batch = [events[0], events[1], events[0], events[3], events[2], events[1]]
        await consumer.handle_batch([record(n, e) for n, e in enumerate(batch)])
        calls = [r["event_id"] for r in await pool.fetch("SELECT event_id FROM calls ORDER BY seq")]
        inbox = await pool.fetch("SELECT event_id, count(*) AS n FROM inbox WHERE consumer = 'batched'"
                                 " GROUP BY event_id")
    finally:
        await pool.close()
    assert calls == [ids[0], ids[1], ids[2]]  # in the batch's order, each once; the one seen before not
    assert {r["event_id"]: r["n"] for r in inbox} == {i: 1 for i in ids}
