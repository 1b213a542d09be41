"""What may be ordered and delivered against a decision (beslut). No I/O here.

Closed cases and lapsed decisions accept no new orders and no deliveries (docs/architecture.md
rule 4). Dates are the municipality's calendar dates, so "today" is the date in
Stockholm (`Clock.today()`), not in UTC (just after midnight they differ).
"""
from dataclasses import dataclass
from datetime import date

from shared import errors, interventions
from shared.case_state import CaseState, ensure_case_open


@dataclass(frozen=True)
class Decision:
    """The orders service's view of a decision on an intervention (insats)."""
    case_id: object
    unit: str
    intervention: str
    valid_from: date
    valid_to: date | None   # None: until further notice (tills vidare)
    outcome: str = "granted"  # granted, partly_granted, or rejected (avslag): nothing to order
    status: str = "in_force"  # or awaiting_approval (above its maker's delegation) or refused: nothing to order

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def describe(self) -> str:
        return f"{self.valid_from.isoformat()} to {self.valid_to.isoformat() if self.valid_to else 'further notice'}"


def not_known() -> errors.DomainError:
    """The answer for a decision orders does not know, and for another unit's (not told apart)."""
    return errors.conflict("decision_not_known", "The decision is not known to orders",
                           "a decision reaches orders within seconds of being made; try again shortly")


def ensure_known(decision: Decision | None) -> Decision:
    if decision is None:
        raise not_known()
    return decision


def ensure_ordered_from_provider(intervention: str) -> None:
    """Only an intervention of the catalogue that providers carry out is ordered: 422 otherwise."""
    item = interventions.get(intervention)
    if item.carried_out is not interventions.CarriedOut.PROVIDER:
        raise errors.invalid("intervention_not_ordered", f"{item.name} is not ordered from a provider",
                             "it is carried out by the unit (in-house or by payment); record that with"
                             " POST /cases/{case_id}/decisions/{decision_id}/execution in the registry")


def ensure_orderable(case: CaseState | None, decision: Decision | None, *, case_id, intervention: str,
                     wanted_start: date, today: date) -> Decision:
    """An order (or re-sending one) needs an open case and a decision in force for the wanted start."""
    decision = ensure_known(decision)
    if decision.case_id != case_id:
        raise errors.conflict("decision_of_other_case", "The decision belongs to another case",
                      f"the decision is on case {decision.case_id}")
    if decision.outcome == "rejected":
        raise errors.conflict("decision_rejected", "The decision rejected the application (avslag)",
                      "there is nothing to order against a rejection")
    if decision.status != "in_force":
        raise errors.conflict("decision_not_in_force", "The decision is not in force",
                              "it waits for approval by someone with the delegation to make it"
                              if decision.status == "awaiting_approval" else "its approval was refused",
                              decision_status=decision.status)
    ensure_case_open(case, case_id)
    if decision.valid_to is not None and decision.valid_to < today:
        raise errors.conflict("decision_lapsed", "The decision is no longer in force",
                      f"it was valid {decision.describe()}",
                      valid_from=decision.valid_from.isoformat(), valid_to=decision.valid_to.isoformat())
    if not decision.valid_on(wanted_start):
        raise _outside(decision, wanted_start, "the wanted start")
    if intervention != decision.intervention:
        raise errors.conflict("intervention_not_decided", "The decision is on another intervention",
                      f"the decision grants {decision.intervention!r}, the order asks for {intervention!r}")
    return decision


def ensure_deliverable(case: CaseState | None, decision: Decision | None, *, case_id, delivered_on: date,
                       started_on: date | None, today: date) -> None:
    """A delivery report is refused on a closed case, outside the decision, before the start
    or in the future, so that it can never become a reimbursement line."""
    ensure_not_in_future(delivered_on, today, "delivered_on")
    ensure_case_open(case, case_id)
    decision = ensure_known(decision)
    if not decision.valid_on(delivered_on):
        raise _outside(decision, delivered_on, "the delivery")
    if started_on is not None and delivered_on < started_on:
        raise errors.conflict("before_start", "The delivery is before the order started",
                      f"the order started on {started_on.isoformat()}")


# What one order can have delivered on one day, all reports together: a day has 1 440 minutes.
MAX_PER_DAY = {"minutes": 24 * 60, "units": 1_000}


def ensure_within_day(*, measure: str, already: int, quantity: int, delivered_on: date) -> None:
    """A report may not bring an order's day over what a day can hold (MAX_PER_DAY)."""
    limit = MAX_PER_DAY[measure]
    if already + quantity > limit:
        raise errors.conflict("delivery_exceeds_day", "More than a day can hold",
                              f"{already} {measure} are already reported for {delivered_on.isoformat()} on this"
                              f" order; with {quantity} more it would be {already + quantity}, and a day holds at"
                              f" most {limit} {measure}. Correct the earlier report instead of adding to it.",
                              already=already, limit=limit)


def ensure_startable(case: CaseState | None, decision: Decision | None, *, case_id, started_on: date,
                     today: date) -> None:
    ensure_not_in_future(started_on, today, "started_on")
    ensure_case_open(case, case_id)
    decision = ensure_known(decision)
    if not decision.valid_on(started_on):
        raise _outside(decision, started_on, "the start")


def ensure_not_in_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise errors.invalid("date_in_future", "The date is in the future",
                      f"{field} {day.isoformat()} is after today ({today.isoformat()}); report what has happened")


def _outside(decision: Decision, day: date, what: str) -> errors.DomainError:
    valid_to = decision.valid_to.isoformat() if decision.valid_to else None
    return errors.conflict("outside_decision_validity", "The date is outside the decision's validity",
                   f"{what} ({day.isoformat()}) is outside the decision, valid {decision.describe()}",
                   valid_from=decision.valid_from.isoformat(), valid_to=valid_to)
