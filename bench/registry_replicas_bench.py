"""The registry's capacity with one replica and with two: `GET /persons/{id}` as fast as 16
concurrent clients can go (closed loop, vegeta), the same ids, one replica then both in turn
(vegeta takes the targets round robin, as a balancer would), in interleaved rounds.

Beside each run, where the machine's CPU went (from /proc: each process's user and system time,
and vegeta's as this process's child), per request: the registry replicas, PostgreSQL, Kafka,
vegeta, the rest. From that the arithmetic of what two replicas can give here: a replica is one
event loop on one core, so one replica serves at most 1 / (its CPU per request); two share the
machine's cores with PostgreSQL and the load generator, so they serve at most cores / (all the
CPU per request). Target (issue 20): two replicas give at least 1.5x the capacity of one where
the machine has the cores.

    python -m bench.registry_replicas_bench [--persons 100000] [--seconds 10] [--rounds 3]
"""
import argparse
import asyncio
import os
import resource
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.harness import ratio_line, target, vegeta
from bench.registry_bench import capacity, load
from services.registry.main import SERVICE
from shared.db import create_pool, migrate
from tests.stack import create_env, drop_env

TARGET = 1.5
TICK = os.sysconf("SC_CLK_TCK")
SAMPLE = 20_000


def cpu_seconds(replicas: dict[int, str]) -> Counter:
    """CPU seconds used so far, by part: each replica (by pid), PostgreSQL, Kafka (the JVM), the
    load generator (this process's finished children), the rest of the machine."""
    used: Counter = Counter()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        pid = int(stat.parent.name)
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK   # utime, stime
        part = replicas.get(pid) or {"postgres": "PostgreSQL", "java": "Kafka"}.get(comm, "the rest")
        used[part] += seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["vegeta (load generator)"] = children.ru_utime + children.ru_stime
    return used


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]   # idle, iowait
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


def measured(name: str, targets: list[dict], seconds: float, replicas: dict[int, str]) -> tuple[float, Counter, float]:
    """(capacity, CPU seconds by part during the run, share of the machine busy)."""
    before, busy_before = cpu_seconds(replicas), machine_busy()
    rate = capacity(name, targets, seconds)
    after, busy_after = cpu_seconds(replicas), machine_busy()
    used = Counter({part: after[part] - before.get(part, 0.0) for part in after})
    busy = (busy_after[0] - busy_before[0]) / max(busy_after[1] - busy_before[1], 1e-9)
    return rate, used, busy


def per_request(used: Counter, rate: float, seconds: float) -> dict[str, float]:
    """CPU milliseconds per request, by part."""
    requests = rate * seconds
    return {part: 1000 * value / requests for part, value in used.items() if requests}


async def main(persons: int, seconds: float, rounds: int) -> None:
    vegeta()  # install before anything is timed
    env = await create_env(Path(tempfile.mkdtemp()))
    try:
        pool = await create_pool(env.database_url, "registry", max_size=2)
        await migrate(pool, "registry", SERVICE.migrations)
        await load(pool, 0, persons)
        ids = [r["id"] for r in await pool.fetch("SELECT id FROM persons ORDER BY random() LIMIT $1", SAMPLE)]
        await pool.close()
        first, second = env.start("registry"), env.start("registry")
        await asyncio.gather(first.wait_ready(), second.wait_ready())
        names = {first.popen.pid: "registry replica 1", second.popen.pid: "registry replica 2"}
        auth = {"Authorization": f"Bearer {env.token('family_law', sub='bench-familjeratt')}",
                "X-Access-Reason": "benchmark"}
        one = [target("GET", f"{first.url}/persons/{i}", headers=auth) for i in ids]
        two = [target("GET", f"{(first, second)[n % 2].url}/persons/{i}", headers=auth) for n, i in enumerate(ids)]

        cores = os.cpu_count()
        print(f"\n{persons:,} persons; {cores} cores; 16 concurrent clients, {seconds:g} s a run, {rounds} rounds")
        capacity("warm-up", two, 3)
        runs: dict[str, list] = {"one replica": [], "two replicas": []}
        for _ in range(rounds):
            for name, targets in (("one replica", one), ("two replicas", two)):
                runs[name].append(measured(f"registry, {name}", targets, seconds, names))

        print("\n  CPU ms per request, by part (median over the rounds), and the machine's cores busy")
        figures = {}
        for name, results in runs.items():
            rate, used, busy = sorted(results, key=lambda r: r[0])[len(results) // 2]   # the median run
            ms = per_request(used, rate, seconds)
            figures[name] = (rate, ms, busy)
            parts = ", ".join(f"{part} {value:.2f}" for part, value in sorted(ms.items(), key=lambda kv: -kv[1])
                              if value >= 0.01)
            print(f"  {name:<13} {rate:8.1f}/s  (runs: {', '.join(f'{r:.0f}' for r, _, _ in results)});"
                  f" busy {busy:.0%} of {cores} cores; {parts}")

        one_rate, one_ms, _ = figures["one replica"]
        two_rate, two_ms, _ = figures["two replicas"]
        replica_ms = sum(v for k, v in one_ms.items() if k.startswith("registry replica"))
        total_ms = sum(two_ms.values())
        print("\n  the arithmetic")
        print(f"  one replica: at most 1 core / {replica_ms:.2f} ms of the replica's CPU per request"
              f" = {1000 / replica_ms:.0f}/s (measured {one_rate:.0f}/s)")
        print(f"  two replicas on {cores} cores: at most {cores} cores / {total_ms:.2f} ms of all the CPU per request"
              f" = {cores * 1000 / total_ms:.0f}/s (measured {two_rate:.0f}/s),"
              f" {cores * 1000 / total_ms / (1000 / replica_ms):.2f}x of one replica's bound")
        both_ms = sum(v for k, v in two_ms.items() if k.startswith("registry replica"))
        print(f"  with a core for each replica (PostgreSQL and the clients on cores of their own): 2 cores /"
              f" {both_ms:.2f} ms of the replicas' CPU per request in the two-replica runs = {2000 / both_ms:.0f}/s,"
              f" {2000 / both_ms / one_rate:.2f}x of one replica measured")
        print(ratio_line("two replicas / one, capacity", two_rate, one_rate, f">= {TARGET}x", two_rate / one_rate >= TARGET))
    finally:
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10, help="length of each capacity run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of each")
    args = parser.parse_args()
    started = time.monotonic()
    asyncio.run(main(args.persons, args.seconds, args.rounds))
    print(f"  ({time.monotonic() - started:.0f} s in all)")
