"""Import of persons and cases from an old system: reading and checking each row. No I/O here.

One row is one person and, optionally, one of their cases. Every row is checked in full and
all its faults are reported; a closed case is refused (nothing may be ordered or invoiced on
it here), and so is an invalid identity number, with the same message as every other path.
A checked row can still be refused by what the registry already holds (`refusal`); a row is
refused before anything of it is written, so it is in or out whole.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from uuid import UUID

from services.registry.domain.cases import CaseKind
from services.registry.domain.persons import pin_error, valid_pin
from shared import errors

COLUMNS = ("pin", "first_name", "last_name", "street", "postal_code", "city", "protected_identity",
           "unit", "kind", "status", "opened_on", "closed_on", "ref")
REQUIRED_COLUMNS = ("pin", "first_name", "last_name")
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
_LENGTHS = {"first_name": 200, "last_name": 200, "street": 200, "postal_code": 20, "city": 100, "unit": 100,
            "ref": 100}
_TRUE, _FALSE = ("true", "yes", "ja", "1", "x"), ("", "false", "no", "nej", "0")


@dataclass(frozen=True)
class ImportRow:
    line: int
    pin: str               # normalized
    birth_date: date
    first_name: str
    last_name: str
    street: str | None
    postal_code: str | None
    city: str | None
    protected_identity: bool
    unit: str | None       # None: a person without a case
    kind: CaseKind | None
    opened_on: date | None
    ref: str | None


@dataclass(frozen=True)
class RowResult:
    """What became of one row: imported (with the person and case it made or found), or refused and why."""
    line: int
    status: Literal["imported", "refused"]
    reasons: tuple[str, ...] = ()
    person_id: UUID | None = None
    person_created: bool = False
    case_id: UUID | None = None


@dataclass(frozen=True)
class ImportReport:
    id: UUID
    results: list[RowResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.results)

    @property
    def imported(self) -> int:
        return sum(r.status == "imported" for r in self.results)

    @property
    def refused(self) -> int:
        return self.rows - self.imported


def refused(line: int, *reasons: str) -> RowResult:
    return RowResult(line=line, status="refused", reasons=reasons)


def refusal(row: ImportRow, *, registered_name: tuple[str, str] | None, case_imported: bool) -> str | None:
    """Why a checked row cannot go in, given the name the number is registered with (None when
    it is not registered) and whether the row's case reference was imported before; None if it can."""
    if registered_name is not None:
        if registered_name != (row.first_name, row.last_name):
            return "the number is registered with another name: check the number"
        if row.unit is None:
            return "the person is already registered and the row has no case"
    if row.unit is not None and row.ref is not None and case_imported:
        return f"the case {row.ref!r} has already been imported"
    return None


# A row whose person someone else registered between the lookup and the insert.
REGISTERED_MEANWHILE = "the person was registered at the same time by someone else: import the row again"


def read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, fields) of every data row, or a 4xx problem for a file that cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise errors.too_large("import_too_large", "The file is too large", f"at most {MAX_BYTES} bytes per import")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise errors.invalid("import_not_utf8", "The file is not UTF-8 text", str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise errors.invalid("import_header", "The file's first line must name the columns",
                          f"missing: {', '.join(missing)}; known columns: {', '.join(COLUMNS)}")
        rows = []
        for fields in reader:
            if len(rows) == MAX_ROWS:
                raise errors.too_large("import_too_many_rows", "Too many rows", f"at most {MAX_ROWS} rows per import")
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise errors.invalid("import_not_csv", "The file is not valid CSV", f"line {reader.line_num}: {exc}") from exc
    return rows


def check_row(line: int, fields: dict[str, str | None], today: date) -> ImportRow | list[str]:
    """The row, ready to import, or every reason it is refused."""
    def get(name: str) -> str:
        value = fields.get(name)
        return value.strip() if isinstance(value, str) else ""

    reasons = []
    if None in fields:
        reasons.append("the row has more fields than the header")
    for name, value in fields.items():
        if isinstance(value, str) and "\x00" in value:
            reasons.append(f"{name} contains a NUL character")
    for name, most in _LENGTHS.items():
        if len(get(name)) > most:
            reasons.append(f"{name} is longer than {most} characters")
    problem = pin_error(get("pin"), today)
    if problem:
        reasons.append(problem)
    for name in ("first_name", "last_name"):
        if not get(name):
            reasons.append(f"{name} is missing")
    address = [get(n) for n in ("street", "postal_code", "city")]
    if any(address) and not all(address):
        reasons.append("an address needs street, postal_code and city")
    protected = get("protected_identity").lower()
    if protected not in _TRUE + _FALSE:
        reasons.append(f"protected_identity must be true or false, not {protected!r}")

    unit, kind, status = get("unit"), get("kind"), get("status").lower()
    has_case = bool(unit or kind or status or get("opened_on") or get("closed_on") or get("ref"))
    case_kind = opened_on = None
    if has_case:
        if status == "closed" or get("closed_on"):
            reasons.append("the case is closed: closed cases are not imported")
        elif status not in ("", "open"):
            reasons.append(f"status must be open, not {status!r}")
        if not unit:
            reasons.append("a case needs a unit")
        try:
            case_kind = CaseKind(kind)
        except ValueError:
            reasons.append(f"kind {kind!r} is not one of {', '.join(k.value for k in CaseKind)}")
        opened_on = _date(get("opened_on"), "opened_on", reasons, today)

    if reasons:
        return reasons
    pin = valid_pin(get("pin"), today)
    return ImportRow(line=line, pin=pin.normalized, birth_date=pin.birth_date, first_name=get("first_name"),
                     last_name=get("last_name"), street=address[0] or None, postal_code=address[1] or None,
                     city=address[2] or None, protected_identity=protected in _TRUE,
                     unit=unit or None, kind=case_kind, opened_on=opened_on, ref=get("ref") or None)


def _date(value: str, name: str, reasons: list[str], today: date) -> date | None:
    if not value:
        reasons.append(f"{name} is missing")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        reasons.append(f"{name} {value!r} is not a date (YYYY-MM-DD)")
        return None
    if day > today or day.year < 1900:
        reasons.append(f"{name} {value} is not between 1900 and today")
        return None
    return day
