"""Journal note writes and reads, open loop, as ratios to bare baselines in the same run.

Data: 100,000 cases in the journal's read model, one of them with 10,000 notes (a tenth
corrected, a third signed, some with addenda). The real journal process answers with
everything it does in production: token check, case and unit checks, the transaction,
the outbox (note.written, access.logged) and its relay to Kafka. Baselines: the bare FastAPI
process of bench/baseline.py doing one raw asyncpg INSERT, and the same read query as the
journal's (store.notes.CASE_NOTES_QUERY), on the same database.

Targets: write p99 within 2x of the bare insert; reading a case's notes (p99) within 1.5x
of the bare query.

    python -m bench journal                 (as `make bench` runs it)
    python -m bench.journal_bench [--rate 40] [--seconds 30]
"""
import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path


from bench.harness import ROOT, Result, process_cpu_ms, ratio_line, target, vegeta, wait_up
from services.journal.store.notes import CASE_NOTES_QUERY
from tests.stack import create_env, drop_env, free_port

CASES, NOTES = 100_000, 10_000
UNIT = "vuxen"


async def load(env) -> tuple[str, list[str]]:
    """The read model's cases and one case's notes, straight into the journal's tables."""
    conn = await env.db()
    try:
        await conn.execute("SET search_path TO journal")
        await conn.execute(
            "INSERT INTO cases (case_id, unit, kind, status, opened_on, person_id)"
            " SELECT gen_random_uuid(), $1, 'SoL', 'open', current_date - (i % 3000), gen_random_uuid()"
            " FROM generate_series(1, $2) i", UNIT, CASES)
        big = await conn.fetchval("SELECT case_id FROM cases LIMIT 1")
        # Ids ordered like UUIDv7 (time first), so the newest-first index walks them as it does real notes.
        await conn.execute("""
            CREATE TEMP TABLE n AS SELECT i, (lpad(to_hex(1000000000 + i), 12, '0')
                || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid AS id
              FROM generate_series(1, $1) i;
            INSERT INTO notes (id, case_id, author, created_at, idempotency_key, request_hash)
              SELECT id, $2, 'anna', now() - (($1 - i) || ' minutes')::interval, 'load-' || i, md5(i::text) FROM n;
            INSERT INTO note_versions (note_id, version, text, occurred_on, written_by, written_at, reason)
              SELECT id, 1, repeat('Hembesök hos klienten. ', 20), current_date - ($1 - i) / 10, 'anna', now(), NULL
                FROM n
              UNION ALL
              SELECT id, 2, repeat('Hembesök hos klienten (rättad). ', 20), current_date - ($1 - i) / 10, 'bertil',
                     now(), 'Fel datum' FROM n WHERE i % 10 = 0;
            INSERT INTO signatures (note_id, version, signed_by, signed_at)
              SELECT id, 1, 'anna', now() FROM n WHERE i % 3 = 0 AND i % 10 <> 0;
            INSERT INTO addenda (id, note_id, text, given_by, written_by, written_at, idempotency_key, request_hash)
              SELECT gen_random_uuid(), id, 'Jag håller inte med.', 'den enskilde', 'anna', now(), 'load-a-' || i, ''
                FROM n WHERE i % 25 = 0;
            ANALYZE;
        """.replace("$1", str(NOTES)).replace("$2", f"'{big}'"))
        others = [str(r[0]) for r in await conn.fetch("SELECT case_id FROM cases WHERE case_id <> $1"
                                                      " ORDER BY random() LIMIT 5000", big)]
        return str(big), others
    finally:
        await conn.close()


def start_baseline(env, port: int) -> subprocess.Popen:
    url = f"{env.database_url}?search_path=journal"
    # The journal's own query; the bare endpoint passes the case id as text and asks the first page.
    query = CASE_NOTES_QUERY.replace("$1", "$1::uuid").replace("$2::uuid", "$2").replace("$2", "NULL::uuid") \
        .replace("$3", "50")
    return subprocess.Popen(
        [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url", url, "--query", query,
         "--insert", "INSERT INTO bare_notes (id, body) VALUES ($1, $2)"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)



def attack_interleaved(pairs: list[tuple[str, list[dict], int]], *, rate: int, seconds: float,
                       rounds: int = 3) -> list[Result]:
    """Attack each target set in turn, in short slices, `rounds` times, and report each over
    all its slices: the baseline and the journal then share whatever else the machine is
    doing, which a ratio of two runs minutes apart would not. Also reports the CPU time the
    serving process (pid) used per request, a figure that other load on the machine disturbs less."""
    slice_s = seconds / rounds
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, list[str]] = {name: [] for name, _, _ in pairs}
        offsets = {name: 0 for name, _, _ in pairs}
        cpu = {name: 0.0 for name, _, _ in pairs}
        for r in range(rounds):
            for name, targets, pid in pairs:
                before = process_cpu_ms(pid)
                # Each slice takes the next targets, so no Idempotency-Key is sent twice.
                take = int(rate * slice_s) + 1
                chunk = targets[offsets[name]:offsets[name] + take] or targets
                offsets[name] += take
                target_file, out = Path(tmp) / "targets.jsonl", Path(tmp) / f"{len(files[name])}-{name}.bin"
                target_file.write_text("\n".join(json.dumps(t) for t in chunk) + "\n")
                subprocess.run([vegeta(), "attack", "-format=json", f"-targets={target_file}", f"-rate={rate}/s",
                                f"-duration={slice_s}s", "-timeout=10s", "-max-workers=256", f"-output={out}"],
                               check=True)
                time.sleep(0.5)  # the relay publishes the last events of the slice
                cpu[name] += process_cpu_ms(pid) - before
                files[name].append(str(out))
        results = []
        for name, _, _ in pairs:
            report = subprocess.run([vegeta(), "report", "-type=json", *files[name]], check=True, capture_output=True)
            data = json.loads(report.stdout)
            lat = data["latencies"]
            # Successful answers per second of attack: vegeta's own figure would count the gaps between slices.
            results.append(Result(name=name, rate=rate, requests=data["requests"], success=data["success"],
                                  throughput=data["requests"] * data["success"] / seconds, p50_ms=lat["50th"] / 1e6,
                                  p99_ms=lat["99th"] / 1e6, max_ms=lat["max"] / 1e6))
            print(f"{results[-1].line()}  cpu {cpu[name] / max(data['requests'], 1):5.2f} ms/req", flush=True)
        return results


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def main(rate: int, seconds: float) -> None:
    vegeta()  # install before anything is timed
    env = await create_env(Path(tempfile.mkdtemp()))
    baseline = None
    try:
        journal = env.start("journal")
        await journal.wait_ready()
        started = time.monotonic()
        big, others = await load(env)
        conn = await env.db()
        await conn.execute("CREATE TABLE journal.bare_notes (id uuid PRIMARY KEY, body text NOT NULL)")
        await conn.close()
        print(f"loaded {CASES} cases and {NOTES} notes on one case in {time.monotonic() - started:.1f} s")
        port = free_port()
        baseline = start_baseline(env, port)
        await wait_up(f"http://127.0.0.1:{port}/constant")
        bare = f"http://127.0.0.1:{port}"

        auth = {"Authorization": f"Bearer {env.token('caseworker', sub='anna', unit=UNIT)}",
                "Content-Type": "application/json"}
        n = int(rate * (seconds + 6)) + 10  # a new Idempotency-Key for every request, warm-up included
        occurred = (date.today() - timedelta(days=1)).isoformat()
        bodies = [json.dumps({"occurred_on": occurred, "text": f"Telefonsamtal {i}. " * 10, "source": "person"})
                  for i in range(n)]
        writes = [target("POST", f"{journal.url}/cases/{others[i % len(others)]}/notes",
                         headers={**auth, "Idempotency-Key": str(uuid.uuid4())}, body=b) for i, b in enumerate(bodies)]
        bare_inserts = [target("POST", f"{bare}/insert", headers={"Content-Type": "application/json"}, body=b)
                        for b in bodies]
        read = [target("GET", f"{journal.url}/cases/{big}/notes", headers=auth)]
        bare_read = [target("GET", f"{bare}/query?arg={big}")]

        print(f"open loop at {rate} requests/s, {seconds:g} s per endpoint in 3 interleaved slices,"
              f" after a warm-up; load average before: {load_average()} on {os.cpu_count()} cores")
        warm = int(rate * 2 + 1) * 3  # the warm-up below: 3 slices of 2 s
        jp, bp = journal.popen.pid, baseline.pid
        attack_interleaved([("warm-up write", writes[-warm:], jp), ("warm-up read", read, jp)], rate=rate, seconds=6)
        b_ins, j_ins = attack_interleaved([("bare insert", bare_inserts, bp),
                                           ("journal write note", writes[:-warm], jp)], rate=rate, seconds=seconds)
        b_read, j_read = attack_interleaved([("bare case-notes query (50 of 10k)", bare_read, bp),
                                             ("journal read case notes (50 of 10k)", read, jp)],
                                            rate=rate, seconds=seconds)
        print(f"load average after: {load_average()}")
        print("ratios to the baselines (same run, interleaved):")
        print(ratio_line("write p99 / bare insert p99", j_ins.p99_ms, b_ins.p99_ms, "<= 2x",
                         j_ins.p99_ms <= 2 * b_ins.p99_ms))
        print(ratio_line("read p99 / bare query p99", j_read.p99_ms, b_read.p99_ms, "<= 1.5x",
                         j_read.p99_ms <= 1.5 * b_read.p99_ms))
        for label, ours, base in (("write p50 / bare insert p50", j_ins, b_ins),
                                  ("read p50 / bare query p50", j_read, b_read)):
            print(f"  {label:<48} {ours.p50_ms / base.p50_ms:6.2f}x")
        for label, ours, base in (("write throughput / bare", j_ins, b_ins), ("read throughput / bare", j_read, b_read)):
            print(f"  {label:<48} {ours.throughput / max(base.throughput, 1e-9):6.2f}x")
        for r in (j_ins, j_read, b_ins, b_read):
            if r.success < 1:
                print(f"  WARNING: {r.name} answered {r.success:.1%} with 2xx")
    finally:
        if baseline is not None:
            baseline.terminate()
            baseline.wait(10)
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=40, help="requests per second, the same for every endpoint")
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds))
