"""The producer's partitioner puts each key on the partition Kafka's default partitioner does."""
import random

import pytest
from aiokafka.partitioner import DefaultPartitioner

from shared.kafka import create_producer, partition_of
from shared.settings import Settings

# Murmur2 of these keys as the Java client computes it (org.apache.kafka.common.utils.UtilsTest),
# and so the partition of each among 1,000 and among 3 partitions (the hash made positive).
JAVA = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536,
        b"a-little-bit-longer-string": -1486304829,
        b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971, b"abc": 479470107}


@pytest.mark.parametrize("key,java_hash", JAVA.items())
def test_the_java_clients_partition(key, java_hash):
    for count in (1, 3, 1000):
        partitions = list(range(count))
        assert partition_of(key, partitions, partitions) == (java_hash & 0x7FFFFFFF) % count


def test_the_same_partition_as_aiokafkas_default_for_keys_of_every_length():
    rng = random.Random(20)
    default = DefaultPartitioner()
    for length in range(0, 70):
        for _ in range(50):
            key = rng.randbytes(length)
            partitions = list(range(rng.randint(1, 12)))
            assert partition_of(key, partitions, partitions) == default(key, partitions, partitions)


def test_a_message_without_a_key_goes_to_an_available_partition():
    assert {partition_of(None, [0, 1, 2], [2]) for _ in range(20)} == {2}
    assert partition_of(None, [0, 1, 2], []) in {0, 1, 2}


async def test_the_services_producer_partitions_with_it():
    producer = create_producer(Settings(kafka_bootstrap="127.0.0.1:1"))
    assert producer._partitioner is partition_of
