"""Import from an old system: every row checked, closed cases and invalid numbers refused row by
row, a row in or out whole, and the same through `omsorg import FILE`."""
import asyncio
import csv
import io
import sys

import pytest

from tests.pins import INVALID_PINS, make_pin
from tests.stack import ROOT

HEADER = ["pin", "first_name", "last_name", "street", "postal_code", "city", "protected_identity",
          "unit", "kind", "status", "opened_on", "closed_on", "ref"]


def csv_of(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def row(**fields) -> dict:
    base = {"pin": make_pin(), "first_name": "Per", "last_name": "Ek", "unit": "vuxen", "kind": "SoL",
            "status": "open", "opened_on": "2019-04-01", "ref": f"old-{make_pin()}"}
    base.update(fields)
    return base


async def post_import(client, env, data: bytes, role="support"):
    return await client.post("/imports", content=data, headers={**env.auth(role), "Content-Type": "text/csv"})


async def test_good_rows_in_bad_rows_refused_with_reasons(registry):
    env, client = registry
    good, person_only, protected = row(), row(unit="", kind="", status="", opened_on="", ref=""), \
        row(protected_identity="true", street="Gatan 2", postal_code="123 45", city="Ort")
    closed = row(status="closed", closed_on="2020-01-01")
    closed_by_date = row(status="", closed_on="2020-01-01")
    many_faults = row(pin="19121212-1213", first_name="", kind="magic", opened_on="2019-02-30",
                      last_name="E\x00k")
    rows = [good, person_only, protected, closed, closed_by_date, many_faults]
    response = await post_import(client, env, csv_of(rows))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["imported"], report["refused"]) == (6, 3, 3)
    by_line = {r["line"]: r for r in report["results"]}
    assert [by_line[n]["status"] for n in range(2, 8)] == ["imported"] * 3 + ["refused"] * 3
    assert by_line[2]["case_id"] and by_line[2]["person_created"] is True
    assert by_line[3]["case_id"] is None and by_line[3]["person_id"]
    assert any("closed" in r for r in by_line[5]["reasons"])
    assert any("closed" in r for r in by_line[6]["reasons"])
    faults = " | ".join(by_line[7]["reasons"])
    assert "check digit should be 2, not 3" in faults and "first_name is missing" in faults
    assert "kind 'magic'" in faults and "opened_on" in faults and "NUL" in faults

    headers = env.auth("family_law")
    found = (await client.post("/occurrences/search", json={"pin": good["pin"]}, headers=headers)).json()
    assert [(o["unit"], o["opened_on"]) for o in found["items"]] == [("vuxen", "2019-04-01")]
    for refused in (closed, closed_by_date):
        assert (await client.post("/persons/search", json={"pin": refused["pin"]}, headers=headers)).json()["found"] is False
    person = (await client.post("/persons/search", json={"pin": protected["pin"]}, headers=headers)).json()["items"][0]
    assert person["protected_identity"] is True and person["address_withheld"] is True


async def test_a_row_is_in_or_out_whole(registry):
    env, client = registry
    first = row(ref="dup-ref-1")
    same_ref = row(ref="dup-ref-1")          # passes the checks, fails on import: its person must not stay
    report = (await post_import(client, env, csv_of([first, same_ref]))).json()
    assert [r["status"] for r in report["results"]] == ["imported", "refused"]
    assert "already been imported" in report["results"][1]["reasons"][0]
    lookup = await client.post("/persons/search", json={"pin": same_ref["pin"]}, headers=env.auth("support"))
    assert lookup.json()["found"] is False

    again = (await post_import(client, env, csv_of([first]))).json()
    assert again["refused"] == 1 and "already been imported" in again["results"][0]["reasons"][0]


@pytest.mark.parametrize("data,code", [
    (b"\xff\xfe not utf8", "import_not_utf8"),
    (b"name,city\nA,B\n", "import_header"),
    (b'pin,first_name,last_name\n"unclosed,A,B\n', "import_not_csv"),
])
async def test_unreadable_files_are_422(registry, data, code):
    env, client = registry
    response = await post_import(client, env, data)
    assert response.status_code == 422 and response.json()["code"] == code


async def test_only_support_and_service_import(registry):
    env, client = registry
    for role in ("caseworker", "supervisor", "family_law"):
        assert (await post_import(client, env, csv_of([row()]), role=role)).status_code == 403
    assert (await post_import(client, env, csv_of([row()]), role="service")).status_code == 200


async def test_invalid_numbers_are_refused_with_the_validators_message(registry):
    env, client = registry
    report = (await post_import(client, env, csv_of([row(pin=p) for p in INVALID_PINS]))).json()
    assert report["imported"] == 0
    for result, message in zip(report["results"], INVALID_PINS.values()):
        assert result["status"] == "refused" and any(message in r for r in result["reasons"])


async def test_the_omsorg_import_command(registry, tmp_path):
    env, client = registry
    good, bad = row(), row(pin="19121312-1212")
    file = tmp_path / "old-system.csv"
    file.write_bytes(csv_of([good, bad]))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "shared.cli", "import", str(file), "--url", str(client.base_url), cwd=ROOT,
        env=env.environ(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 1, err.decode()
    text = out.decode()
    assert "line 3: refused" in text and "month 13 does not exist" in text
    assert "2 rows: 1 imported, 1 refused" in text
    found = await client.post("/persons/search", json={"pin": good["pin"]}, headers=env.auth("support"))
    assert found.json()["found"] is True
