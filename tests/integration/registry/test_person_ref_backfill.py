"""Cases opened before `case.opened` carried the person reference get it: the registry's backfill
command publishes `case.person_ref_set` for every case, and orders and the journal take it into
their read models (so the citizen's own lists find those cases)."""
import asyncio
import subprocess
import sys

import httpx

from shared.pin import person_ref
from tests.integration.watch.helpers import fetch
from tests.pins import make_pin, register_person
from tests.stack import ROOT, eventually

UNIT = "vuxen"


async def refs(env, case_id: str) -> tuple:
    orders = await fetch(env, "SELECT person_ref FROM orders.cases WHERE case_id = $1::uuid", case_id)
    journal = await fetch(env, "SELECT person_ref FROM journal.cases WHERE case_id = $1::uuid", case_id)
    return (orders[0]["person_ref"] if orders else "missing", journal[0]["person_ref"] if journal else "missing")


async def test_the_backfill_gives_old_cases_their_person_ref_in_orders_and_the_journal(env):
    procs = [env.start(name) for name in ("registry", "orders", "journal")]
    await asyncio.gather(*(p.wait_ready() for p in procs))
    pin = make_pin()
    async with httpx.AsyncClient(base_url=procs[0].url, timeout=30) as client:
        headers = env.auth("caseworker", unit=UNIT)
        person_id = await register_person(client, headers, pin=pin)
        cases = []
        for _ in range(3):
            opened = await client.post("/cases", json={"unit": UNIT, "kind": "SoL", "person_id": person_id},
                                       headers=headers)
            assert opened.status_code == 201, opened.text
            cases.append(opened.json()["id"])
    expected = person_ref(pin, env.settings.person_ref_key)

    async def known():
        return all([await refs(env, c) == (expected, expected) for c in cases])
    assert await eventually(known, timeout=60)
    # As if opened before the events carried it.
    conn = await env.db()
    try:
        await conn.execute("UPDATE orders.cases SET person_ref = NULL")
        await conn.execute("UPDATE journal.cases SET person_ref = NULL")
    finally:
        await conn.close()
    assert await refs(env, cases[0]) == (None, None)

    done = subprocess.run([sys.executable, "-m", "services.registry.backfill_person_refs"], cwd=ROOT,
                          env=env.environ(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("published the person reference of 3 cases")
    assert await eventually(known, timeout=60)
