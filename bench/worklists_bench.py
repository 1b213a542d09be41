"""The caseworker's day on the registry: GET /worklists/intake, /worklists/cases (mine and the
unit's), /worklists/unit-overview and /persons/{id}/decisions-in-force, each against a bare FastAPI
endpoint running the same SQL (bench.baseline /query: no auth, no validation, no transaction),
measured in the same run, twice: its SELECT alone ("bare query"), and its SELECT and then the
access-log INSERT that the registry runs for every read of a person's data ("bare query + log",
the registry's own statement on the same connection; the unit overview logs nothing). Decisions in
force files its entry in its one statement (a data-modifying CTE): its "bare query + log" is that
statement.

The data is made in PostgreSQL itself (generate_series), in the shape of the target
municipality: 30 units, 10 caseworkers each (300), three cases per person, half of them open, a
third of the open ones with an ongoing investigation (a child's with a due date), one open inquiry
per ten persons (a fifth of them reports about a child), a decision on a third of the cases.

Latency is measured open loop (vegeta at one constant rate for every endpoint). Each round gives
every list --seconds of load on each side in slices of --slice seconds that alternate the registry
and the bare queries, so that a spell of the shared machine's own noise (the database's background
work, the other processes on the two cores; it slows the bare queries as much as the registry)
falls on every side alike instead of on whichever side's turn it was. p50 and p99 are taken over every
request of a side in all rounds; each is printed with its ratios to its bare queries.

    python -m bench worklists [--persons 100000] [--seconds 8] [--rounds 2] [--slice 2] [--rate 40] [--limit 50]
                              [--explain] [--list "decisions in force" ...] [--profile FILE]

The target size is --persons 1000000 (3,000,000 cases); loading it takes about ten times as long
as the default. --explain prints EXPLAIN (ANALYZE, BUFFERS) of each list's query and stops.
"""
import argparse
import asyncio
import functools
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo
from pathlib import Path

from bench.harness import ROOT, attack, attack_raw, report, target, wait_up
from bench.profile import breakdown, sampled
from bench.registry_bench import settled
from services.registry.main import SERVICE
from services.registry.store import worklists as sql
from shared.clock import Clock
from shared.events.catalog import AccessLogged
from shared.db import create_pool, migrate
from tests.stack import ServiceProcess, create_env, drop_env, free_port

UNITS = 30
CASEWORKERS_PER_UNIT = 10
LIMIT = 50    # the default page; --limit changes it
LISTS = ("intake", "cases unit", "cases mine", "unit overview", "decisions in force")
# Whose reads each list logs (bench.baseline --log-reads): the persons of its rows, or the one
# person of the request; the unit overview holds counts only and logs nothing.
LOGS = {"intake": "rows", "cases unit": "rows", "cases mine": "rows"}
BARE, BARE_LOGGED = "bare query", "bare query + log"


def unit_name(n: int) -> str:
    return f"enhet-{n:02d}"


def caseworker_name(unit: int, n: int) -> str:
    return f"hl-{unit:02d}-{n}"


LOAD = """
SET session_replication_role = replica;
INSERT INTO persons (id, pin, birth_date, first_name, last_name, created_by)
SELECT gen_random_uuid(), lpad(i::text, 12, '0'),
       CASE WHEN i % 5 = 0 THEN $2::date - (365 * 10) ELSE $2::date - (365 * 40) END - (i % 3000),
       'Förnamn', 'Efternamn' || i, 'bench'
  FROM generate_series(1, $1::int) i;

CREATE TEMP TABLE p AS SELECT id, birth_date, row_number() OVER () AS n FROM persons;

INSERT INTO cases (id, unit, kind, person_id, status, opened_on, opened_by, caseworker, closed_on)
SELECT gen_random_uuid(), 'enhet-' || lpad(((p.n * 3 + k) % 30)::text, 2, '0'), 'SoL', p.id,
       CASE WHEN k = 0 THEN 'closed' ELSE 'open' END, $2::date - ((p.n * 7 + k * 13) % 1000)::int, 'bench',
       'hl-' || lpad(((p.n * 3 + k) % 30)::text, 2, '0') || '-' || (((p.n * 3 + k) / 30) % 10),
       CASE WHEN k = 0 THEN $2::date - 1 END
  FROM p, generate_series(0, 2) k;

-- An ongoing investigation on a third of the open cases; a child's is due within four months.
INSERT INTO investigations (id, case_id, started_on, due_on, started_by)
SELECT gen_random_uuid(), c.id, c.opened_on,
       CASE WHEN p.birth_date > $2::date - 365 * 18 THEN $2::date - 20 + ((hashtext(c.id::text) & 2147483647) % 140) END, 'bench'
  FROM cases c JOIN p ON p.id = c.person_id
 WHERE c.status = 'open' AND (hashtext(c.id::text) & 2147483647) % 3 = 0;
UPDATE cases c SET ongoing_investigation_id = i.id, ongoing_due_on = i.due_on
  FROM investigations i WHERE i.case_id = c.id AND i.completed_on IS NULL;

-- A decision on a third of the cases, on an investigation completed for it; most in force today.
CREATE TEMP TABLE decided AS
SELECT c.id AS case_id, gen_random_uuid() AS investigation_id, c.opened_on
  FROM cases c WHERE (hashtext(c.id::text || 'd') & 2147483647) % 3 = 0;
INSERT INTO investigations (id, case_id, started_on, due_on, started_by, completed_on, completed_by)
SELECT investigation_id, case_id, opened_on, NULL, 'bench', opened_on, 'bench' FROM decided;
INSERT INTO decisions (id, case_id, investigation_id, outcome, intervention, valid_from, valid_to, decided_on,
                       decided_by, communicated, not_communicated_reason, reasons, legal_basis)
SELECT gen_random_uuid(), case_id, investigation_id, 'granted', 'home_help', opened_on,
       CASE WHEN (hashtext(case_id::text) & 2147483647) % 4 = 0 THEN GREATEST(opened_on, $2::date - 1) END, opened_on, 'bench', false,
       'Bifall i sin helhet', 'Behov', '4 kap. 1 § SoL'
  FROM decided;

-- One open inquiry per ten persons; a fifth reports about a child with their deadlines.
INSERT INTO inquiries (id, person_id, unit, kind, received_on, recorded_by, caseworker, assessment_due_on,
                       protection_due_on)
SELECT gen_random_uuid(), p.id, 'enhet-' || lpad(((p.n / 10) % 30)::text, 2, '0'),
       CASE WHEN p.n % 50 = 0 THEN 'report_of_concern' ELSE 'application' END,
       $2::date - (p.n % 40)::int, 'bench',
       'hl-' || lpad(((p.n / 10) % 30)::text, 2, '0') || '-' || ((p.n / 300) % 10),
       CASE WHEN p.n % 50 = 0 THEN $2::date - (p.n % 40)::int + 14 END,
       CASE WHEN p.n % 50 = 0 THEN $2::date - (p.n % 40)::int END
  FROM p WHERE p.n % 10 = 0;

-- An unsigned journal note on one open case in twenty, by its caseworker, up to a month old.
INSERT INTO unsigned_notes (note_id, case_id, unit, author, version, unsigned_since)
SELECT gen_random_uuid(), c.id, c.unit, c.caseworker, 1, $2::date - ((hashtext(c.id::text || 'n') & 2147483647) % 30)::int
  FROM cases c WHERE c.status = 'open' AND (hashtext(c.id::text || 'n') & 2147483647) % 20 = 0;
-- The unit overview's caseload, which the triggers that are off here keep.
SELECT caseload_rebuild();
SET session_replication_role = DEFAULT;
"""


async def load(pool, persons: int, today: date) -> None:
    began = time.monotonic()
    async with pool.acquire() as conn:
        for statement in [s for s in LOAD.split(";\n") if s.strip()]:
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            args = [a for a, used in ((persons, "$1" in body), (today, "$2" in body)) if used]
            if "$1" not in body and "$2" in body:
                body = body.replace("$2", "$1")
            await conn.execute(body, *args)
        for table in ("persons", "cases", "investigations", "decisions", "inquiries"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        await conn.execute("CHECKPOINT")
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM persons) AS persons, (SELECT count(*) FROM cases) AS cases,"
            " (SELECT count(*) FROM investigations) AS investigations, (SELECT count(*) FROM decisions) AS decisions,"
            " (SELECT count(*) FROM inquiries) AS inquiries")
    print("  loaded " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
          + f" in {time.monotonic() - began:.0f} s", flush=True)


def literal(text: str, args: list, keep: dict[int, str]) -> str:
    """The statement with its arguments written in: `keep` gives the SQL for some of them (in terms
    of the bare query's one argument $1), the rest are quoted as they are."""
    for n in range(len(args), 0, -1):
        value = keep.get(n) or (f"'{args[n - 1]}'" if not isinstance(args[n - 1], int) else str(args[n - 1]))
        text = text.replace(f"${n}", value.replace("$1", "\0ARG\0"))
    return text.replace("\0ARG\0", "$1")


def queries(today: date, limit: int = LIMIT) -> dict[str, str]:
    """name -> (the registry's SQL for the first page, as a bare query taking one text argument $1)."""
    intake, a = sql.intake_query(unit="x", kind=None, after=None, limit=limit + 1)
    unit_cases, b = sql.cases_query(unit="x", caseworker=None, after=None, limit=limit + 1)
    mine, c = sql.cases_query(unit="x", caseworker="y", after=None, limit=limit + 1)
    overview, d = sql.overview_query(unit="x", today=today, at_risk_until=today + timedelta(days=14),
                                     unsigned_before=datetime.combine(today - timedelta(days=7), clock_time.min, ZoneInfo("Europe/Stockholm")),
                                     after=None, limit=limit + 1)
    in_force, e = sql.decisions_in_force_query(person_id=None, today=today, unit="x", after=None, limit=limit + 1)
    return {
        "intake": literal(intake, a, {1: "$1"}),
        "cases unit": literal(unit_cases, b, {1: "$1"}),
        "cases mine": literal(mine, c, {1: "split_part($1, '/', 1)", 2: "split_part($1, '/', 2)"}),
        "unit overview": literal(overview, d, {1: "$1"}),
        "decisions in force": literal(in_force, e, {1: "split_part($1, '/', 1)::uuid", 3: "split_part($1, '/', 2)"}),
    }


def filed_queries(today: date, limit: int = LIMIT) -> dict[str, str]:
    """name -> the registry's one statement of a list that files its access-log entry in the
    statement that reads (decisions in force), as a bare query taking one text argument $1: the
    entry's id made anew by each request, its moment the statement's."""
    unit = "\0unit"
    access = AccessLogged(actor="bench", roles=["caseworker"], action="read", resource="bench", person_id=None,
                          person_ids=[], reason="benchmark", at=datetime.now(ZoneInfo("UTC")))
    entry = uuid.uuid4()
    query, params = sql.decisions_in_force_query(person_id=None, today=today, unit=unit, after=None,
                                                 limit=limit + 1,
                                                 logged=sql.FiledRead(entry_id=entry, service="bench", access=access))
    keep = {1: "split_part($1, '/', 1)::uuid", params.index(unit) + 1: "split_part($1, '/', 2)",
            params.index(entry) + 1: "gen_random_uuid()", params.index(access.roles) + 1: "'{caseworker}'",
            params.index(access.at) + 1: "now()"}
    return {"decisions in force": literal(query, params, keep)}


async def explain(pool, today: date, people: list) -> None:
    unit, worker = unit_name(7), caseworker_name(7, 3)
    person, person_unit = people[0]
    args = {"intake": unit, "cases unit": unit, "cases mine": f"{unit}/{worker}", "unit overview": unit,
            "decisions in force": f"{person}/{person_unit}"}
    async with pool.acquire() as conn:
        for name, query in {**queries(today), **filed_queries(today)}.items():
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {query}", args[name])
            print(f"\n-- {name}: {query}\n" + "\n".join(r[0] for r in plan), flush=True)
        after = await conn.fetchrow(f"SELECT {sql.CASE_ORDER} AS due, opened_on, id FROM cases"
                                    " WHERE unit = $1 AND status = 'open' AND removed_at IS NULL"
                                    f" ORDER BY {sql.CASE_ORDER}, opened_on, id OFFSET 5000 LIMIT 1", unit)
        deep, params = sql.cases_query(unit=unit, caseworker=None, after=tuple(after), limit=LIMIT + 1)
        plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {deep}", *params)
        print(f"\n-- cases unit, the page after the 5,000th case (a cursor): {deep}\n"
              + "\n".join(r[0] for r in plan), flush=True)
        after = await conn.fetchrow(f"SELECT {sql.CASE_ORDER} AS due, opened_on, id FROM cases"
                                    " WHERE unit = $1 AND caseworker = $2 AND status = 'open' AND removed_at IS NULL"
                                    f" ORDER BY {sql.CASE_ORDER}, opened_on, id OFFSET 300 LIMIT 1", unit, worker)
        deep, params = sql.cases_query(unit=unit, caseworker=worker, after=tuple(after), limit=LIMIT + 1)
        plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {deep}", *params)
        print(f"\n-- cases mine, the page after the 300th case (a cursor): {deep}\n"
              + "\n".join(r[0] for r in plan), flush=True)
        after = await conn.fetchrow("SELECT (assessment_due_on IS NULL) AS g, COALESCE(assessment_due_on, received_on) AS d,"
                                    " id FROM inquiries WHERE unit = $1 AND assessed_on IS NULL AND investigation_id"
                                    f" IS NULL ORDER BY {sql.INTAKE_ORDER}, id OFFSET 100 LIMIT 1", unit)
        deep, params = sql.intake_query(unit=unit, kind=None, after=(int(after["g"]), after["d"], after["id"]),
                                        limit=LIMIT + 1)
        plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {deep}", *params)
        print(f"\n-- intake, the page after the 100th inquiry (a cursor): {deep}\n"
              + "\n".join(r[0] for r in plan), flush=True)


async def main(persons: int, seconds: float, rounds: int, rate: int, only_explain: bool, limit: int,
               lists: list[str] | None = None, profile: str | None = None, slice_seconds: float = 2) -> int:
    env = await create_env(Path(tempfile.mkdtemp()))
    procs: list[subprocess.Popen] = []
    try:
        pool = await create_pool(env.database_url, "registry", max_size=2)
        await migrate(pool, "registry", SERVICE.migrations)
        today = Clock().today()
        await load(pool, persons, today)
        rng = random.Random(1)
        people = [(r["person_id"], r["unit"]) for r in await pool.fetch(
            "SELECT DISTINCT ON (d.case_id) c.person_id, c.unit FROM decisions d JOIN cases c ON c.id = d.case_id"
            " WHERE d.valid_to IS NULL LIMIT 2000")]
        if only_explain:
            await explain(pool, today, people)
            await pool.close()
            return 0

        registry = ServiceProcess(env, "registry", {})
        registry.start()
        env.processes.append(registry)
        await registry.wait_ready()

        def baseline(query: str, *options: str) -> str:
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "bench.baseline", "--port", str(port), "--database-url",
                 f"{env.database_url}?search_path=registry", "--query", query, *options], cwd=ROOT))
            return f"http://127.0.0.1:{port}"

        bare: dict[str, str] = {}
        logged: dict[str, str] = {}    # the same query and then the registry's access-log INSERT
        filed = filed_queries(today, limit)
        for name, query in queries(today, limit).items():
            bare[name] = baseline(query)
            if name in LOGS:
                logged[name] = baseline(query, "--log-reads", LOGS[name], "--page", str(limit))
            elif name in filed:
                logged[name] = baseline(filed[name])
        for url in [*bare.values(), *logged.values()]:
            await wait_up(f"{url}/constant")

        @functools.cache
        def auth(role: str, sub: str, unit: str) -> dict[str, str]:
            """One token per member of staff, made once and sent with each of their requests, as
            a signed-in client does (the registry verifies a token's signature on its first use
            and keeps the result for a minute)."""
            token = env.token(role, sub=sub, unit=unit)
            return {"Authorization": f"Bearer {token}", "X-Access-Reason": "benchmark"}

        units = [unit_name(n) for n in range(UNITS)]
        staff = [(unit_name(u), caseworker_name(u, k)) for u in range(UNITS) for k in range(CASEWORKERS_PER_UNIT)]
        rng.shuffle(staff)
        r, page = registry.url, f"limit={limit}"
        ours = {
            "intake": [target("GET", f"{r}/worklists/intake?{page}", headers=auth("caseworker", w, u)) for u, w in staff],
            "cases unit": [target("GET", f"{r}/worklists/cases?scope=unit&{page}", headers=auth("caseworker", w, u))
                           for u, w in staff],
            "cases mine": [target("GET", f"{r}/worklists/cases?scope=mine&{page}", headers=auth("caseworker", w, u))
                           for u, w in staff],
            "unit overview": [target("GET", f"{r}/worklists/unit-overview?{page}", headers=auth("supervisor", f"chef-{u}", u))
                              for u in units],
            "decisions in force": [target("GET", f"{r}/persons/{p}/decisions-in-force?{page}", headers=auth("caseworker", "hl", u))
                                   for p, u in people],
        }
        args = {"intake": [u for u, _ in staff], "cases unit": [u for u, _ in staff],
                "cases mine": [f"{u}/{w}" for u, w in staff], "unit overview": units,
                "decisions in force": [f"{p}/{u}" for p, u in people]}
        # name -> side -> targets: the registry, its SELECT alone, and the SELECT with the access-log INSERT
        endpoints = {name: {"registry": targets,
                            **{side: [target("GET", f"{urls[name]}/query?arg={a}") for a in args[name]]
                               for side, urls in ((BARE, bare), (BARE_LOGGED, logged)) if name in urls}}
                     for name, targets in ours.items() if not lists or name in lists}
        for sides in endpoints.values():     # warm up pools, prepared statements and caches
            for targets in sides.values():
                await asyncio.to_thread(attack, "warm-up", targets, rate=20, seconds=2)
        await settled(pool)
        # Each round gives every list `seconds` of load on each side, cut into slices that
        # alternate the sides, so that a spell of the machine's own noise (the database's
        # background work, the other processes on the two cores) falls on every side alike; each
        # slice goes on through the targets where the one before it stopped.
        slices = max(1, round(seconds / slice_seconds))
        per_slice = round(rate * seconds / slices)
        raws: dict[str, list[bytes]] = {}
        for r in range(rounds):
            for name, sides in endpoints.items():
                for s in range(slices):
                    for side, targets in sides.items():
                        k = (r * slices + s) * per_slice % len(targets)
                        raws.setdefault(f"{side}: {name}", []).append(await asyncio.to_thread(
                            attack_raw, targets[k:] + targets[:k], rate=rate, seconds=seconds / slices))
                await settled(pool)
        results = {label: report(label, rate, rs, seconds=seconds * rounds) for label, rs in raws.items()}
        print(f"\n{persons:,} persons, {persons * 3:,} cases, {UNITS} units, {UNITS * CASEWORKERS_PER_UNIT}"
              f" caseworkers; pages of {limit}; {rate}/s, {rounds} rounds of {seconds:g} s per list and side,"
              f" each in {slices} slices alternating the sides; percentiles over every request")
        for result in results.values():
            print("  " + result.line(), flush=True)
        print(f"\n  ratios of the registry's p50 and p99 to {BARE} (its SELECT alone) and to {BARE_LOGGED}"
              f" (the SELECT and then the registry's access-log INSERT, or for decisions in force its one statement"
              f" with the INSERT: the same SQL as the registry's read)")
        print(f"  {'list':<22} {BARE + ' p50':>16} {'p99':>6} {BARE_LOGGED + ' p50':>22} {'p99':>6}")
        for name, sides in endpoints.items():
            ours, line = results[f"registry: {name}"], f"  {name:<22}"
            for side, width in ((BARE, 16), (BARE_LOGGED, 22)):
                theirs = results.get(f"{side}: {name}")
                line += (f" {ours.p50_ms / theirs.p50_ms:{width - 1}.2f}x {ours.p99_ms / theirs.p99_ms:5.2f}x" if theirs
                         else f" {'(logs no read)':>{width + 7}}")
            print(line, flush=True)
        if profile:   # after the figures, so that sampling does not touch them
            with sampled(registry.popen.pid, profile):
                for name, sides in endpoints.items():
                    await asyncio.to_thread(attack, f"registry: {name}", sides["registry"], rate=rate, seconds=seconds)
            print(f"\n  registry's CPU samples by part ({', '.join(endpoints)}; {rate}/s for {seconds:g} s each;"
                  f" py-spy, {profile}):\n{breakdown(profile)}", flush=True)
        await pool.close()
        return 0
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(20)
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000, help="three cases each; the target is 1,000,000")
    parser.add_argument("--seconds", type=float, default=8, help="length of each run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every list")
    parser.add_argument("--slice", dest="slice_seconds", type=float, default=2,
                        help="seconds of each slice, alternating the registry and the bare queries within a round")
    parser.add_argument("--rate", type=int, default=40, help="requests per second, the same for every endpoint")
    parser.add_argument("--limit", type=int, default=LIMIT, help="page size (each page is one logged read naming its persons)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the lists' queries and stop")
    parser.add_argument("--list", dest="lists", action="append", choices=LISTS,
                        help="measure only this list (repeat for several); all by default")
    parser.add_argument("--profile", metavar="FILE", help="then sample the registry's CPU with py-spy under one more"
                                                         " run of each list (raw stacks into FILE) and print where it goes")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.persons, args.seconds, args.rounds, args.rate, args.explain, args.limit,
                              args.lists, args.profile, args.slice_seconds)))
