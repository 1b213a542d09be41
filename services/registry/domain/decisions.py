"""What a decision (beslut) says, and how it is carried out (verkställighet). No I/O here.

A decision states its outcome, its reasons (förvaltningslagen 32 §), its legal basis, the
intervention from the catalogue (shared/interventions), the granted scope and period, and the
investigation it rests on. One that does not grant the application in full carries the appeal
instructions (förvaltningslagen 33 §; appeal within three weeks, 44 §). See docs/law.md.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.registry.domain.process import Outcome
from shared import errors, interventions
from shared.interventions import CarriedOut, Intervention, ScopeUnit

APPEAL_INSTRUCTIONS = (
    "Du kan överklaga beslutet hos förvaltningsrätten. Skriv till socialnämnden och tala om vilket beslut"
    " du överklagar, hur du vill att beslutet ska ändras och varför. Underteckna skrivelsen. Skicka eller"
    " lämna den till socialnämnden, inte till förvaltningsrätten. Överklagandet måste ha kommit in inom"
    " tre veckor från den dag du fick del av beslutet. Vi hjälper dig gärna om du vill."
)
APPEAL_WEEKS = 3
APPEAL_WEEKS_TEXT = "tre veckor"


def ensure_has_letter(*, reasons: str | None, status: str) -> None:
    """A letter is written for a decision in force with its reasons: older decisions without them
    have none, and a decision waiting for approval or refused by the approver is not yet, or not,
    a decision to tell the person of."""
    if status != "in_force":
        raise errors.conflict("decision_not_in_force", "The decision is not in force and has no letter",
                              "a decision above its maker's delegation has its letter once it is approved")
    if reasons is None:
        raise errors.conflict("no_letter", "The decision was made without reasons and has no letter",
                              "decisions made before reasons were required are read with GET /cases/{id}/decisions")


@dataclass(frozen=True)
class Scope:
    """The granted scope, in the intervention's unit (hours per month, days, an amount in kronor)."""
    amount: Decimal
    unit: ScopeUnit


def check_content(*, intervention: str, outcome: Outcome, reasons: str, legal_basis: str,
                  scope_amount: Decimal | None) -> tuple[Intervention, Scope | None]:
    """The decision's intervention from the catalogue and its scope; 422 when something is missing."""
    item = interventions.get(intervention)
    if not reasons or not reasons.strip():
        raise errors.invalid("reasons_missing", "A decision states its reasons",
                             "förvaltningslagen 32 §: the reasons that decided the matter")
    if not legal_basis or not legal_basis.strip():
        raise errors.invalid("legal_basis_missing", "A decision states its legal basis",
                             "e.g. 4 kap. 1 § socialtjänstlagen (2025:400)")
    if scope_amount is None:
        return item, None
    if outcome is Outcome.REJECTED:
        raise errors.invalid("scope_of_rejection", "A rejection grants no scope")
    if item.scope_unit is ScopeUnit.NONE:
        raise errors.invalid("scope_not_measured", f"{item.name} has no scope to grant",
                             "leave scope_amount out for this intervention")
    if scope_amount <= 0:
        raise errors.invalid("scope_not_positive", "The granted scope is more than zero")
    return item, Scope(scope_amount, item.scope_unit)


def appeal_instructions(outcome: Outcome) -> str | None:
    """The appeal instructions a decision carries: when it does not grant the application in full."""
    return None if outcome is Outcome.GRANTED else APPEAL_INSTRUCTIONS


def ensure_rests_on(*, found: bool) -> None:
    if not found:
        raise errors.invalid("investigation_not_on_case", "The decision rests on an investigation of its case",
                             "name one of the case's investigations (GET /cases/{id}/investigations)")


def gender_of(pin: str) -> str | None:
    """Legal gender from the personal identity number's second-last digit: odd male, even female."""
    digit = pin[-2:-1]
    if not digit.isdigit():
        return None
    return "male" if int(digit) % 2 else "female"


# Carrying out

class Action(StrEnum):
    EXECUTED = "executed"        # verkställt
    INTERRUPTED = "interrupted"  # avbrott
    RESUMED = "resumed"          # återupptaget


class Method(StrEnum):
    IN_HOUSE = "in_house"   # by the unit's own staff
    PAYMENT = "payment"     # paid out


class InterruptionReason(StrEnum):
    PERSON_REQUEST = "person_request"         # på den enskildes begäran
    HOSPITAL_STAY = "hospital_stay"           # sjukhusvistelse
    RESOURCE_SHORTAGE = "resource_shortage"   # resursbrist hos nämnden eller utföraren
    OTHER = "other"                           # annat


class DelayReason(StrEnum):
    """Why a favourable decision is not yet carried out. IVO asks for the reasons in free text; these
    codes are the municipality's own, for its statistics and the report's CSV (docs/law.md)."""
    NO_PLACE_AVAILABLE = "no_place_available"          # brist på plats (t.ex. boendeplats)
    STAFF_SHORTAGE = "staff_shortage"                  # brist på personal
    NO_SUITABLE_PROVIDER = "no_suitable_provider"      # ingen lämplig uppdragstagare eller utförare
    DECLINED_OFFER = "declined_offer"                  # den enskilde har tackat nej till erbjudande
    PERSON_WISHES_SPECIFIC = "person_wishes_specific"  # önskemål om särskilt boende, utförare eller tid
    PERSON_WISHES_TO_WAIT = "person_wishes_to_wait"    # den enskilde vill vänta
    PERSON_UNREACHABLE = "person_unreachable"          # den enskilde har inte gått att nå
    HEALTH_REASON = "health_reason"                    # den enskildes hälsotillstånd
    PARTLY_CARRIED_OUT = "partly_carried_out"          # insatsen är delvis verkställd
    OTHER = "other"                                    # annat skäl


@dataclass(frozen=True)
class ExecutionState:
    """Where a decision stands, from its recorded actions in order."""
    executed_on: date | None = None
    interrupted_on: date | None = None   # while interrupted

    @classmethod
    def of(cls, actions: list[tuple[str, date]]) -> "ExecutionState":
        state = cls()
        for action, on in actions:
            if action == Action.EXECUTED:
                state = cls(executed_on=state.executed_on or on)
            elif action == Action.INTERRUPTED:
                state = cls(state.executed_on, on)
            else:
                state = cls(state.executed_on, None)
        return state


def _in_range(on: date, *, earliest: date, today: date, what: str) -> None:
    if on > today:
        raise errors.invalid("execution_in_future", f"The {what} cannot be recorded for a day after today")
    if on < earliest:
        raise errors.invalid("execution_too_early", f"The {what} cannot be before {earliest.isoformat()}")


def ensure_can_execute(*, outcome: str, carried_out: CarriedOut, method: Method, state: ExecutionState,
                       decided_on: date, on: date, today: date) -> None:
    if outcome == Outcome.REJECTED:
        raise errors.conflict("decision_rejected", "A rejection (avslag) has nothing to carry out")
    if state.executed_on is not None:
        raise errors.conflict("already_executed", "The decision is already carried out",
                              f"carried out on {state.executed_on.isoformat()}")
    if carried_out is CarriedOut.PROVIDER and method is Method.PAYMENT:
        raise errors.invalid("method_not_for_intervention", "This intervention is not carried out by payment")
    if carried_out is CarriedOut.PAYMENT and method is not Method.PAYMENT:
        raise errors.invalid("method_not_for_intervention", "This intervention is carried out by payment")
    _in_range(on, earliest=decided_on, today=today, what="execution")


def ensure_can_interrupt(*, state: ExecutionState, on: date, today: date) -> None:
    if state.executed_on is None:
        raise errors.conflict("not_executed", "Only a decision being carried out can be interrupted")
    if state.interrupted_on is not None:
        raise errors.conflict("already_interrupted", "The decision is already interrupted",
                              f"since {state.interrupted_on.isoformat()}")
    _in_range(on, earliest=state.executed_on, today=today, what="interruption")


def ensure_can_resume(*, state: ExecutionState, on: date, today: date) -> None:
    if state.interrupted_on is None:
        raise errors.conflict("not_interrupted", "The decision is not interrupted")
    _in_range(on, earliest=state.interrupted_on, today=today, what="resumption")


def ensure_delay_reason(*, code: DelayReason, declined_offer_on: date | None, decided_on: date, today: date,
                        state: ExecutionState) -> None:
    if state.executed_on is not None and state.interrupted_on is None:
        raise errors.conflict("already_executed", "The decision is carried out; there is no delay to explain")
    if (code is DelayReason.DECLINED_OFFER) != (declined_offer_on is not None):
        raise errors.invalid("declined_offer_on", "Give declined_offer_on exactly when the person declined an offer")
    if declined_offer_on is not None:
        _in_range(declined_offer_on, earliest=decided_on, today=today, what="declined offer")
