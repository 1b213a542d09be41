"""The staff directory as the watch uses it: whom an escalation names. No I/O."""
from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.covers import entry_active


def escalation_supervisor(caseworker: Mapping[str, Any] | None, supervisor: Mapping[str, Any] | None,
                          today: date) -> str | None:
    """The caseworker's own supervisor when the directory names one whose entry is active today;
    None otherwise, and the escalation goes to the unit's supervisors as before."""
    if caseworker is None or not caseworker.get("supervisor") or supervisor is None:
        return None
    if supervisor.get("subject") != caseworker["supervisor"]:
        return None
    if not entry_active(active_from=supervisor.get("active_from"), active_to=supervisor.get("active_to"),
                        today=today):
        return None
    return caseworker["supervisor"]
