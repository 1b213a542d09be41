"""The staff directory as the watch uses it: whom an escalation names. No I/O."""
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from shared.clock import SWEDEN
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


def responsible(named: str | None, happened: date | datetime, reassignment: Mapping[str, Any] | None) -> str | None:
    """Whose a case's subject is: the caseworker its event names (who sent the order, decided,
    started the investigation), unless the case was reassigned after it happened; then the
    caseworker the reassignment names. A day (a decision's, an investigation's) counts from its
    first moment, so a reassignment the same day takes it along."""
    if reassignment is None:
        return named
    moment = happened if isinstance(happened, datetime) else datetime.combine(happened, time(0), SWEDEN)
    return reassignment["caseworker"] if moment < reassignment["reassigned_at"] else named
