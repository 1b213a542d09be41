"""Reading and checking an old system's CSV rows, without a database."""
from datetime import date
from uuid import uuid4

import pytest

from services.registry.domain.imports import ImportReport, ImportRow, RowResult, check_row, read_csv, refusal, refused
from shared.errors import DomainError

TODAY = date(2025, 6, 15)
GOOD = {"pin": "19121212-1212", "first_name": "Tolvan", "last_name": "Tolvansson", "unit": "vuxen",
        "kind": "SoL", "status": "open", "opened_on": "2010-01-01", "ref": "A1"}


def test_good_row():
    checked = check_row(2, GOOD, TODAY)
    assert isinstance(checked, ImportRow)
    assert checked.pin == "191212121212" and checked.opened_on == date(2010, 1, 1) and checked.unit == "vuxen"


def test_person_only_row():
    checked = check_row(2, {"pin": "191212121212", "first_name": "T", "last_name": "T"}, TODAY)
    assert isinstance(checked, ImportRow) and checked.unit is None and checked.kind is None


@pytest.mark.parametrize("change,reason", [
    ({"status": "closed"}, "closed"),
    ({"closed_on": "2011-01-01"}, "closed"),
    ({"status": "dormant"}, "status must be open"),
    ({"pin": "19121212-1213"}, "check digit should be 2, not 3"),
    ({"opened_on": "2030-01-01"}, "between 1900 and today"),
    ({"opened_on": "1.1.2010"}, "is not a date"),
    ({"unit": ""}, "needs a unit"),
    ({"street": "Gatan 1"}, "an address needs"),
    ({"protected_identity": "maybe"}, "protected_identity"),
    ({"first_name": "x" * 201}, "longer than 200"),
    ({None: ["extra"]}, "more fields than the header"),
])
def test_each_fault_is_named(change, reason):
    checked = check_row(2, {**GOOD, **change}, TODAY)
    assert isinstance(checked, list) and any(reason in r for r in checked), checked


def test_all_faults_of_a_row_are_reported_together():
    checked = check_row(2, {**GOOD, "pin": "x", "last_name": "", "kind": "?"}, TODAY)
    assert len(checked) == 3


def test_read_csv_counts_lines_and_refuses_what_it_cannot_read():
    rows = read_csv("\ufeffpin,first_name,last_name\n1,A,B\n\"2\nx\",C,D\n".encode())
    assert [line for line, _ in rows] == [2, 4]
    with pytest.raises(DomainError) as caught:
        read_csv(b"first_name\nA\n")
    assert caught.value.code == "import_header"


def test_a_checked_row_is_refused_for_what_the_registry_already_holds():
    row = check_row(2, GOOD, TODAY)
    name = (row.first_name, row.last_name)
    assert refusal(row, registered_name=None, case_imported=False) is None
    assert refusal(row, registered_name=name, case_imported=False) is None
    assert "another name" in refusal(row, registered_name=("Annan", "Person"), case_imported=False)
    assert "already been imported" in refusal(row, registered_name=None, case_imported=True)
    # The name is checked first: a wrong number is the likelier mistake.
    assert "another name" in refusal(row, registered_name=("Annan", "Person"), case_imported=True)
    person_only = check_row(3, {"pin": GOOD["pin"], "first_name": "Tolvan", "last_name": "Tolvansson"}, TODAY)
    assert "has no case" in refusal(person_only, registered_name=name, case_imported=False)
    assert refusal(person_only, registered_name=None, case_imported=False) is None


def test_the_report_counts_its_rows():
    report = ImportReport(id=uuid4(), results=[
        RowResult(line=2, status="imported", person_id=uuid4(), person_created=True),
        refused(3, "a", "b"), refused(4, "c")])
    assert (report.rows, report.imported, report.refused) == (3, 1, 2)
    assert report.results[1].reasons == ("a", "b")
