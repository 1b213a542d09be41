"""`python -m services.registry.seed_staff FILE`, as `make up` runs it: the local directory is
loaded once; loading it again changes nothing and publishes nothing. On a registry and database of
its own: the local directory's members (anna, bertil, ...) would otherwise be members of `vuxen` for
every other test of the registry, which hands work to those names in units of their own."""
import subprocess
import sys

import httpx
import pytest
import yaml

from tests.integration.registry.conftest import event_type_of, registry_alone
from tests.stack import ROOT, eventually, read_topic

FILE = ROOT / "deploy" / "local" / "staff.yaml"


@pytest.fixture(scope="module")
async def seeded_registry(tmp_path_factory):
    async with registry_alone(tmp_path_factory.mktemp("seed-staff")) as (env, proc):
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
            yield env, client


def seed(env, path=FILE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.registry.seed_staff", str(path)], cwd=ROOT,
                          env=env.environ(), capture_output=True, text=True, timeout=60)


async def test_the_local_directory_loads_once_and_again_changes_nothing(seeded_registry, tmp_path):
    env, client = seeded_registry
    subjects = list(yaml.safe_load(FILE.read_text(encoding="utf-8"))["staff"])
    first = seed(env)
    assert first.returncode == 0, first.stderr
    assert f"{len(subjects)} entries added or changed, 0 already" in first.stdout, first.stdout
    again = seed(env)
    assert again.returncode == 0 and f"0 entries added or changed, {len(subjects)} already" in again.stdout, \
        again.stdout + again.stderr

    anna = (await client.get("/staff/anna", headers=env.auth("caseworker", unit="vuxen"))).json()
    assert (anna["name"], anna["supervisor"], anna["changed_by"]) == ("Anna Berg", "greta", "seed_staff")

    async def published():
        records = [r for r in await read_topic(env.kafka_bootstrap, env.topic("registry.events"), timeout=3)
                   if event_type_of(r) == "staff.changed" and r.key.decode() in subjects]
        return records if len(records) >= len(subjects) else None
    records = await eventually(published, timeout=30)
    assert records and sorted(r.key.decode() for r in records) == sorted(subjects), "one event each, not two"

    bad = tmp_path / "staff.yaml"
    bad.write_text("staff:\n  x:\n    name: X\n    unit: vuxen\n    active_from: 2024-01-01\n"
                   "    supervisor: nobody-known\n", encoding="utf-8")
    refused = seed(env, bad)
    assert refused.returncode != 0 and "unknown_supervisor" in refused.stderr, refused.stderr
