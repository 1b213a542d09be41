"""One replica against two: the same read at the same constant rate (open loop), p50 and p99.

The journal's read of a case's notes (50 of 10,000, bench/journal_bench.py's data) is sent to
one journal process, then spread over two (vegeta takes the targets in turn, as a round-robin
balancer would), in interleaved slices so that both share whatever else the machine is doing.
On a 2-core machine a second process can use the second core, so it shows where one
process's single event loop is the limit; the database serves both.

    python -m bench replicas                 (as `make bench-replicas` runs it)
    python -m bench.replicas_bench [--rate 60] [--seconds 30]
"""
import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.harness import attack, target, vegeta
from bench.journal_bench import UNIT, load, load_average
from bench.summary_bench import median_result
from tests.stack import create_env, drop_env

ROUNDS = 3


async def main(rate: int, seconds: float) -> None:
    vegeta()  # install before anything is timed
    env = await create_env(Path(tempfile.mkdtemp()))
    try:
        replicas = [env.start("journal"), env.start("journal")]
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        started = time.monotonic()
        big, _ = await load(env)
        print(f"loaded the journal's cases and notes in {time.monotonic() - started:.1f} s")
        auth = {"Authorization": f"Bearer {env.token('caseworker', sub='anna', unit=UNIT)}"}
        one = [target("GET", f"{replicas[0].url}/cases/{big}/notes", headers=auth)]
        two = [target("GET", f"{r.url}/cases/{big}/notes", headers=auth) for r in replicas]

        print(f"open loop at {rate} requests/s, {seconds:g} s each in {ROUNDS} interleaved slices, after a"
              f" warm-up; load average before: {load_average()} on {os.cpu_count()} cores")
        attack("warm-up", two, rate=rate, seconds=4)
        runs: dict[str, list] = {"one replica": [], "two replicas": []}
        for _ in range(ROUNDS):
            for name, targets in (("one replica", one), ("two replicas", two)):
                runs[name].append(attack(name, targets, rate=rate, seconds=seconds / ROUNDS))
        print(f"load average after: {load_average()}")
        results = [median_result(f"journal read case notes, {name}", r) for name, r in runs.items()]
        for r in results:
            print(r.line() + ("" if r.success == 1 else f"  WARNING: {r.success:.1%} answered with 2xx"))
        one_r, two_r = results
        print(f"  two replicas / one: p50 {two_r.p50_ms / one_r.p50_ms:5.2f}x, p99 {two_r.p99_ms / one_r.p99_ms:5.2f}x")
    finally:
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=60, help="requests per second, the same for both")
    parser.add_argument("--seconds", type=float, default=30, help="of attack for each, in slices")
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds))
