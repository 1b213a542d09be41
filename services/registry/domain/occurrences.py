"""The occurrence search (förekomstsökning) says plainly what it searched and what it found. No I/O here.

"Not registered" and "registered, with no occurrences where you may search" are different
answers, and the answer names the units searched."""


def scope_of(unit_filter: str | None) -> str:
    """The units searched, for a unit filter from the grant (None: every unit; "": none)."""
    if unit_filter is None:
        return "all units"
    return f"unit {unit_filter}" if unit_filter else "no unit (your token names none)"


def message(*, registered: bool, shown: int, scope: str) -> str:
    if not registered:
        return "the number is valid; no person with it is registered, so there are no occurrences"
    if not shown:
        return f"the person is registered and has no occurrences in {scope}"
    return f"{shown} occurrence(s) in {scope}"
