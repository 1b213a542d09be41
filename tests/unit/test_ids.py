"""The ids every service makes (UUIDv7, as the outbox and the use cases import it): ordered, and a
burst of many keeps the clock's time."""
import time
import uuid

from shared import outbox


def test_a_burst_of_ids_is_ordered_and_stays_at_the_clocks_time():
    ids = [outbox.uuid7() for _ in range(50_000)]
    after_ms = time.time() * 1000
    assert all(isinstance(i, uuid.UUID) and i.version == 7 for i in ids[:10])
    assert all(a < b for a, b in zip(ids, ids[1:]))
    newest_ms = ids[-1].int >> 80   # the first 48 bits: Unix time in milliseconds
    assert newest_ms <= after_ms + 1, f"the last id is {newest_ms - after_ms:.0f} ms ahead of the clock"
