"""POST /occurrences/search and POST /persons/search on the registry with 100,000 and then
1,000,000 persons (three cases each), against two baselines measured in the same run:

  constant   a bare FastAPI endpoint answering a constant (bench.baseline /constant)
  bare query a bare FastAPI endpoint running the same indexed asyncpg query, without
             auth, validation, access logging or a transaction (bench.baseline /query)

The registry runs as `python -m services.registry.main` runs it: JWT auth, the one
validator, tracing at its default, the read and its access-log entry in one statement (ADR 0028),
the outbox relay and the consumers in the process.

Throughput is the most requests per second each endpoint completes with a fixed number
of concurrent clients (its capacity). Latency is measured open loop: vegeta at one
constant rate for every endpoint, half the lowest capacity (so no endpoint's queue sets
its p99), and the same rate again for the large registry. Targets: p99 within 1.5x of
the bare query, throughput at least 0.6x of it, and p99 at 1M persons within 1.2x of
p99 at 100k.

    python -m bench.registry_bench [--small 100000] [--large 1000000] [--seconds 10] [--rounds 3]
"""
import argparse
import asyncio
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from bench.harness import ROOT, Result, attack, ratio_line, target, vegeta, wait_up
from services.registry.main import SERVICE
from services.registry.store.occurrences import OCCURRENCES
from shared.db import create_pool, migrate
from shared.pin import luhn_check_digit
from tests.stack import ServiceProcess, create_env, drop_env, free_port

CASES_PER_PERSON = 3
UNITS = ("barn-och-unga", "vuxen", "ekonomiskt-bistand", "aldreomsorg", "lss")
KINDS = ("SoL", "LSS", "LVU", "LVM", "family_law", "financial_aid", "elderly_care")
FIRST_DAY = date(1930, 1, 1)
DAYS = 30_000                    # birth dates 1930..2012; the serial number makes each pin unique
SAMPLE = 20_000                  # numbers the load generator asks for, spread over all persons
CHUNK = 50_000


def pin_of(i: int) -> tuple[str, date]:
    """The i-th person's valid personnummer (unique for i below DAYS * 999)."""
    born = FIRST_DAY + timedelta(days=i % DAYS)
    short = f"{born:%y%m%d}{i // DAYS + 1:03d}"
    return f"{born:%Y}{short[2:]}{luhn_check_digit(short)}", born


async def load(pool, start: int, stop: int) -> None:
    """Persons start..stop-1 and their cases, by COPY; foreign-key triggers are off for the load."""
    rng = random.Random(start)
    began = time.monotonic()
    async with pool.acquire() as conn:
        await conn.execute("SET session_replication_role = replica")
        for first in range(start, stop, CHUNK):
            persons, cases = [], []
            for i in range(first, min(first + CHUNK, stop)):
                pin, born = pin_of(i)
                person_id = uuid.uuid4()
                persons.append((person_id, pin, born, "Förnamn", f"Efternamn{i}", "Gatan 1", "123 45", "Orten",
                                i % 100 == 0, "bench"))
                for k in range(CASES_PER_PERSON):
                    opened = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
                    closed = k == 0 and i % 2 == 0
                    cases.append((uuid.uuid4(), rng.choice(UNITS), rng.choice(KINDS), person_id,
                                  "closed" if closed else "open", opened, "bench",
                                  opened + timedelta(days=200) if closed else None, "bench"))
            await conn.copy_records_to_table(
                "persons", records=persons, columns=["id", "pin", "birth_date", "first_name", "last_name", "street",
                                                     "postal_code", "city", "protected_identity", "created_by"])
            await conn.copy_records_to_table(
                "cases", records=cases, columns=["id", "unit", "kind", "person_id", "status", "opened_on",
                                                 "opened_by", "closed_on", "caseworker"])
        await conn.execute("SELECT caseload_rebuild()")  # kept by a trigger that is off here
        # Vacuum and checkpoint now, so that autovacuum and the checkpointer do not work off
        # the bulk load in the middle of a measurement.
        await conn.execute("VACUUM (ANALYZE) persons")
        await conn.execute("VACUUM (ANALYZE) cases")
        await conn.execute("CHECKPOINT")
    print(f"  loaded persons {start:,}..{stop - 1:,} with {CASES_PER_PERSON} cases each"
          f" in {time.monotonic() - began:.0f} s", flush=True)


def start_baseline(database_url: str, query: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url",
                             f"{database_url}?search_path=registry", "--query", query], cwd=ROOT)
    return proc, f"http://127.0.0.1:{port}"



def capacity(name: str, targets: list[dict], seconds: float, workers: int = 16) -> float:
    """Successful requests per second with `workers` concurrent clients, as fast as they can go."""
    with tempfile.TemporaryDirectory() as tmp:
        target_file = Path(tmp) / "targets.jsonl"
        target_file.write_text("\n".join(json.dumps(t) for t in targets) + "\n")
        run = subprocess.run([vegeta(), "attack", "-format=json", f"-targets={target_file}", "-rate=0",
                              f"-workers={workers}", f"-max-workers={workers}", f"-duration={seconds}s",
                              "-timeout=10s"], check=True, capture_output=True)
        report = json.loads(subprocess.run([vegeta(), "report", "-type=json"], input=run.stdout,
                                           check=True, capture_output=True).stdout)
    print(f"  {name:<34} capacity {report['throughput']:8.1f}/s  ok {report['success']:6.1%}", flush=True)
    return report["throughput"]


async def settled(pool, timeout: float = 300) -> None:
    """Wait until the registry has published every event and logged every access it consumed,
    so that one run's backlog does not land in the next run's figures."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = await pool.fetchrow(
            "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unpublished,"
            # one access_log row per person an event names, or one for an event that names none
            " (SELECT coalesce(sum(greatest(1, jsonb_array_length(coalesce(data->'person_ids', '[]'::jsonb)))), 0)"
            "    FROM outbox WHERE type = 'access.logged') AS logged,"
            " (SELECT count(*) FROM access_log) AS consumed")
        # The registry files its own reads straight into the log (no outbox row): more rows than
        # events, never fewer once every event is consumed.
        if row["unpublished"] == 0 and row["logged"] <= row["consumed"]:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the registry did not catch up within {timeout} s")


def median_result(name: str, runs: list[Result]) -> Result:
    def mid(values):
        return statistics.median(values)
    return Result(name=name, rate=runs[0].rate, requests=sum(r.requests for r in runs),
                  success=mid([r.success for r in runs]), throughput=mid([r.throughput for r in runs]),
                  p50_ms=mid([r.p50_ms for r in runs]), p99_ms=mid([r.p99_ms for r in runs]),
                  max_ms=max(r.max_ms for r in runs))


async def measure(pool, endpoints: dict[str, list[dict]], seconds: float, rate: int | None,
                  rounds: int) -> tuple[dict, dict, int]:
    for targets in endpoints.values():          # warm up pools, prepared statements and caches
        await asyncio.to_thread(attack, "warm-up", targets, rate=100, seconds=3)
    await settled(pool)
    caps = {}
    for name, targets in endpoints.items():
        caps[name] = await asyncio.to_thread(capacity, name, targets, seconds)
        await settled(pool)
    # One constant rate for every endpoint, which each of them sustains: half of the lowest
    # capacity. (At a rate above an endpoint's capacity its queue, not its work, sets the p99.)
    rate = rate or max(10, int(min(caps.values()) * 0.5))
    # Rounds interleave the endpoints, so a burst of other load on this shared machine does not
    # fall on one endpoint only; each figure is the median over the rounds.
    runs: dict[str, list[Result]] = {name: [] for name in endpoints}
    for _ in range(rounds):
        for name, targets in endpoints.items():
            runs[name].append(await asyncio.to_thread(attack, name, targets, rate=rate, seconds=seconds))
            await settled(pool)
    results = {name: median_result(name, r) for name, r in runs.items()}
    for result in results.values():
        print("  " + result.line() + f"  (median of {rounds})", flush=True)
    return caps, results, rate


def report(scale: str, caps: dict, results: dict[str, Result]) -> list[tuple[str, bool]]:
    verdicts = []
    print(f"\n  ratios at {scale}:")
    for ours, bare in (("registry: /occurrences", "bare query: occurrences"), ("registry: /persons/search", "bare query: persons")):
        for base in (bare, "constant"):
            r, b = results[ours], results[base]
            p99_ok = r.p99_ms <= 1.5 * b.p99_ms
            thr_ok = caps[ours] >= 0.6 * caps[base]
            if base == bare:
                verdicts += [(f"{scale} {ours} p99 <= 1.5x bare query", p99_ok),
                             (f"{scale} {ours} throughput >= 0.6x bare query", thr_ok)]
            print(f"  {ours} vs {base}: p50 {r.p50_ms / b.p50_ms:5.2f}x  p99 {r.p99_ms / b.p99_ms:5.2f}x"
                  f"  throughput {caps[ours] / caps[base]:5.2f}x")
            if base == bare:
                print(ratio_line(f"{ours} p99 / bare query p99", r.p99_ms, b.p99_ms, "<= 1.5", p99_ok))
                print(ratio_line(f"{ours} throughput / bare query", caps[ours], caps[base], ">= 0.6", thr_ok))
    return verdicts


async def untraced_figures(env, pool, endpoints, seconds, rate, rounds, caps, results) -> None:
    """Informational: the same registry without OpenTelemetry, alone (the traced one stopped,
    so that no second relay or consumer shares the work)."""
    for proc in env.processes:
        proc.kill(signal.SIGTERM)
    port = free_port()
    untraced = subprocess.Popen([sys.executable, "-m", "bench.untraced_registry"], cwd=ROOT,
                                env=env.environ(OMSORG_PORT=str(port)), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        await wait_up(f"http://127.0.0.1:{port}/health")
        name = "untraced registry: /occurrences"
        targets = [{**t, "url": t["url"].replace(t["url"].split("/occurrences")[0], f"http://127.0.0.1:{port}")}
                   for t in endpoints["registry: /occurrences"]]
        print("\n  informational: the registry without OpenTelemetry instrumentation", flush=True)
        u_caps, u_results, _ = await measure(pool, {name: targets}, seconds, rate, rounds)
        bare = "bare query: occurrences"
        print(f"  {name} vs {bare}: p50 {u_results[name].p50_ms / results[bare].p50_ms:5.2f}x"
              f"  p99 {u_results[name].p99_ms / results[bare].p99_ms:5.2f}x"
              f"  throughput {u_caps[name] / caps[bare]:5.2f}x   (not a target)")
    finally:
        untraced.terminate()
        untraced.wait(20)


async def main(small: int, large: int, seconds: float, rounds: int) -> int:
    env = await create_env(Path(tempfile.mkdtemp()))
    procs: list[subprocess.Popen] = []
    try:
        pool = await create_pool(env.database_url, "registry", max_size=2)
        await migrate(pool, "registry", SERVICE.migrations)
        await load(pool, 0, small)

        registry = ServiceProcess(env, "registry", {})
        registry.start()
        env.processes.append(registry)
        await registry.wait_ready()
        # The first page of every unit's occurrences, as /occurrences?pin= asks for it.
        bare_occ, occ_url = start_baseline(env.database_url, OCCURRENCES.replace("$2::text", "NULL::text")
                                           .replace("$2", "NULL").replace("$3", "51")
                                           .replace("$4::date", "NULL::date").replace("$5::uuid", "NULL::uuid"))
        bare_person, person_url = start_baseline(env.database_url, "SELECT * FROM persons WHERE pin = $1")
        procs += [bare_occ, bare_person]
        for url in (occ_url, person_url):
            await wait_up(f"{url}/constant")

        token = env.token("family_law", sub="bench-familjeratt")
        auth = {"Authorization": f"Bearer {token}", "X-Access-Reason": "benchmark"}
        json_auth = {**auth, "Content-Type": "application/json"}

        def endpoints(count: int) -> dict[str, list[dict]]:
            rng = random.Random(count)
            pins = [pin_of(rng.randrange(count))[0] for _ in range(SAMPLE)]
            return {
                "constant": [target("GET", f"{occ_url}/constant")],
                "bare query: occurrences": [target("GET", f"{occ_url}/query?arg={p}") for p in pins],
                "bare query: persons": [target("GET", f"{person_url}/query?arg={p}") for p in pins],
                "registry: /occurrences": [target("POST", f"{registry.url}/occurrences/search", headers=json_auth,
                                                  body=json.dumps({"pin": p})) for p in pins],
                "registry: /persons/search": [target("POST", f"{registry.url}/persons/search", headers=json_auth,
                                                   body=json.dumps({"pin": p})) for p in pins],
            }

        print(f"\n{small:,} persons, {small * CASES_PER_PERSON:,} cases", flush=True)
        small_caps, small_results, rate = await measure(pool, endpoints(small), seconds, None, rounds)
        verdicts = report(f"{small // 1000}k", small_caps, small_results)

        await load(pool, small, large)
        print(f"\n{large:,} persons, {large * CASES_PER_PERSON:,} cases (same rate, {rate}/s)", flush=True)
        large_caps, large_results, _ = await measure(pool, endpoints(large), seconds, rate, rounds)
        verdicts += report(f"{large // 1_000_000}M" if large >= 1_000_000 else f"{large // 1000}k",
                           large_caps, large_results)

        print("\n  growth from the small to the large registry:")
        for name in ("registry: /occurrences", "registry: /persons/search"):
            ok = large_results[name].p99_ms <= 1.2 * small_results[name].p99_ms
            verdicts.append((f"{name} p99 large <= 1.2x p99 small", ok))
            print(ratio_line(f"{name} p99 large / small", large_results[name].p99_ms,
                             small_results[name].p99_ms, "<= 1.2", ok))
        await untraced_figures(env, pool, endpoints(large), seconds, rate, rounds, large_caps, large_results)
        await pool.close()
        print(f"\n  targets met: {sum(ok for _, ok in verdicts)} of {len(verdicts)}")
        for what, ok in verdicts:
            if not ok:
                print(f"  NOT MET: {what}")
        return 0
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(20)
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10, help="length of each run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved latency rounds (median)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.small, args.large, args.seconds, args.rounds)))
