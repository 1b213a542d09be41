"""How bench/before_after.py reads the summary's table and judges before against after."""
from bench.before_after import ratios, table, verdict

RUN = """
| endpoint | rate/s | n | ok | throughput/s | p50 ms | p99 ms | p50 ratio | p99 ratio | baseline |
|---|---|---|---|---|---|---|---|---|---|
| register person (POST /persons) | 50 | 400 | 100.0% | 50.1 | 5.23 | 9.63 | 1.85x | 2.14x | bare insert |
| occurrences (POST /occurrences/search) | 50 | 400 | 100.0% | 50.1 | 9.68 | 28.42 | 3.02x | 4.17x | bare select |
| bare FastAPI + asyncpg INSERT | 50 | 1200 | 100.0% | 50.1 | 2.82 | 4.50 | 1.00x | 1.00x | (baseline) |
| raw asyncpg INSERT, one connection, no HTTP | closed loop | 400 | 100.0% | — | 0.20 | 0.62 | — | — | (reference) |
| send → order in provider's inbox (GET /provider/orders) | 10 | 100 | 100.0% | — | 24.71 | 48.47 | 5.30x | 5.63x | raw Kafka round trip |
| registry | 114 | 116 | 116 | met |
"""


def test_the_ratios_of_each_endpoint_are_read_and_the_baselines_left_out():
    assert ratios(RUN) == {"register person": (1.85, 2.14), "occurrences": (3.02, 4.17),
                           "send → order in provider's inbox": (5.30, 5.63)}


def test_slower_only_when_the_median_lies_above_every_run_before():
    assert verdict([2.0, 2.2, 2.4], [2.5, 2.6, 2.3]) == "slower"
    assert verdict([2.0, 2.2, 2.4], [2.3, 2.4, 2.1]) == ""       # within the spread of before
    assert verdict([2.0, 2.2, 2.4], [1.8, 1.9, 2.5]) == "faster"
    assert verdict([], [1.0]) == ""


def test_an_endpoint_on_one_side_only_has_no_verdict():
    before = [{"read person": (2.0, 2.0), "occurrences": (2.5, 2.4)}]
    now = [{"read person": (1.5, 3.0)}]
    lines = table("f4ad677", before, now).splitlines()
    assert lines[2] == "| read person | 2.00x (2.00) | 1.50x (1.50) | faster | 2.00x (2.00) | 3.00x (3.00) | slower |"
    assert lines[3] == "| occurrences | 2.50x (2.50) | — |  | 2.40x (2.40) | — |  |"
