"""What the rate limit costs a request: the registry alone under `POST /persons` at a constant rate
(vegeta, open loop), started with the limit off and on in turn (on: a limit far above the load,
so every request is counted and none refused, as production counts them against its 600 a
minute), with the registry's own CPU per request (/proc/PID/stat) and the latencies; and the
moving window's `hit` alone, in this process.

    python -m bench rate_limit [--rate 50] [--seconds 10] [--rounds 3]
"""
import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.harness import Result, attack, process_cpu_ms, target, vegeta
from bench.summary_bench import BENCH_RATE_LIMIT, unique_pins
from shared.rate_limit import MovingWindow
from tests.stack import create_env, drop_env

async def one_run(env, limit: int, pins: list[str], rate: int, seconds: float) -> tuple[Result, float]:
    """The registry started with `limit`, warmed up, then the load; its CPU ms per request."""
    proc = env.start("registry", OMSORG_RATE_LIMIT_PER_MINUTE=str(limit))
    try:
        await proc.wait_ready()
        headers = {**env.auth("caseworker", "anna", unit="vuxen"), "Content-Type": "application/json"}

        def targets(k: int) -> list[dict]:
            return [target("POST", f"{proc.url}/persons", headers=headers,
                           body=json.dumps({"pin": pins.pop(), "first_name": "Per", "last_name": "Ek"}))
                    for _ in range(k)]

        attack("warm-up", targets(rate * 2), rate=rate, seconds=2)
        before = process_cpu_ms(proc.popen.pid)
        result = attack(f"limit {'off' if not limit else 'on'}", targets(int(rate * seconds)), rate=rate,
                        seconds=seconds)
        return result, (process_cpu_ms(proc.popen.pid) - before) / max(1, result.requests)
    finally:
        proc.kill()


def window_alone(hits: int = 200_000) -> float:
    """µs of one `MovingWindow.hit` counted (a few principals, a minute's worth of hits each)."""
    window = MovingWindow(BENCH_RATE_LIMIT)
    keys = [f"sub:{i}" for i in range(20)]
    began = time.perf_counter()
    for i in range(hits):
        window.hit(keys[i % len(keys)])
    return 1e6 * (time.perf_counter() - began) / hits


async def main(rate: int, seconds: float, rounds: int) -> None:
    vegeta()
    env = await create_env(Path(tempfile.mkdtemp()))
    pins = unique_pins(rounds * 2 * (int(rate * seconds) + rate * 2) + 10, seed=7)
    runs: dict[str, list[tuple[Result, float]]] = {"off": [], "on": []}
    try:
        for _ in range(rounds):
            for side, limit in (("off", 0), ("on", BENCH_RATE_LIMIT)):
                result, cpu = await one_run(env, limit, pins, rate, seconds)
                runs[side].append((result, cpu))
                print(f"  {result.line()}  registry CPU {cpu:.2f} ms/request", flush=True)
    finally:
        for proc in env.processes:
            proc.kill()
        await drop_env(env)
    print(f"\nregistry, POST /persons at {rate}/s for {seconds:g} s, {rounds} runs a side, alternating (medians):")
    med = {side: (statistics.median(r.p50_ms for r, _ in rs), statistics.median(r.p99_ms for r, _ in rs),
                  statistics.median(c for _, c in rs)) for side, rs in runs.items()}
    for side, (p50, p99, cpu) in med.items():
        print(f"  limit {side:<3}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  registry CPU {cpu:5.2f} ms/request")
    off, on = med["off"], med["on"]
    print(f"  on / off: p50 {on[0] / off[0]:.2f}x, p99 {on[1] / off[1]:.2f}x, CPU {on[2] / off[2]:.2f}x"
          f" ({on[2] - off[2]:+.2f} ms a request)")
    print(f"the moving window's hit alone: {window_alone():.2f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds, args.rounds))
