"""Orders (beställningar): the life cycle of an order as a transition table. No I/O here.

draft → sent → opened → confirmed → started, with two ends on the way: the provider may
reject an order it has opened, and the caseworker may recall one until the provider
confirms it (rule 7). Closing the case ends every order that was sent and is not yet at an end. A redirect is a recall of the old order plus a new order
sent to the right provider, in one transaction. Delivered time (återrapportering) is
reported on a started order and leaves it started.
"""
import hashlib
import json
from enum import StrEnum

from shared import errors


class OrderState(StrEnum):
    DRAFT = "draft"
    SENT = "sent"              # skickad
    OPENED = "opened"          # öppnad av utföraren
    CONFIRMED = "confirmed"    # bekräftad
    STARTED = "started"        # verkställd
    REJECTED = "rejected"      # avvisad av utföraren
    RECALLED = "recalled"      # återkallad
    ENDED = "ended"            # avslutad: the case was closed


class Action(StrEnum):
    EDIT = "edit"
    SEND = "send"
    OPEN = "open"
    CONFIRM = "confirm"
    REJECT = "reject"
    START = "start"
    RECALL = "recall"
    REPORT_DELIVERY = "report_delivery"
    END = "end"                # the case closed: nothing more is to be done or reported


S, A = OrderState, Action

# Every legal move; anything not here is refused. The provider must have opened (read)
# an order before it confirms or rejects it: nobody agrees to what they have not seen.
TRANSITIONS: dict[tuple[OrderState, Action], OrderState] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SEND): S.SENT,
    (S.SENT, A.OPEN): S.OPENED,
    (S.SENT, A.RECALL): S.RECALLED,
    (S.OPENED, A.CONFIRM): S.CONFIRMED,
    (S.OPENED, A.REJECT): S.REJECTED,
    (S.OPENED, A.RECALL): S.RECALLED,
    (S.CONFIRMED, A.START): S.STARTED,
    (S.STARTED, A.REPORT_DELIVERY): S.STARTED,
    **{(state, A.END): S.ENDED for state in (S.SENT, S.OPENED, S.CONFIRMED, S.STARTED)},
}

# What closing a case ends: every order sent and not yet at an end of its own.
ENDED_BY_CASE_CLOSE = frozenset(state for (state, action) in TRANSITIONS if action is A.END)

def transition(state: OrderState, action: Action) -> OrderState:
    """The state after `action`, or 409 `illegal_transition` naming the current state."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state)
        raise errors.conflict("illegal_transition", f"An order that is {state.value} cannot be {_done(action)}",
                      f"allowed now: {', '.join(allowed) or 'nothing, the order is final'}",
                      current_state=state.value, action=action.value) from None


def _done(action: Action) -> str:
    return {A.EDIT: "changed", A.SEND: "sent", A.OPEN: "opened", A.CONFIRM: "confirmed",
            A.REJECT: "rejected", A.START: "started", A.RECALL: "recalled",
            A.REPORT_DELIVERY: "reported on", A.END: "ended"}[action]


def visible_to_provider(state: OrderState, opened: bool) -> bool:
    """A draft was never sent; an order recalled before the provider opened it never
    reached anyone, so that provider must not learn it existed."""
    if state is S.DRAFT:
        return False
    return not (state is S.RECALLED and not opened)


def details_visible_to_provider(state: OrderState) -> bool:
    """Once recalled, the provider sees that it was recalled, not what it was about."""
    return state is not S.RECALLED


def content_digest(content: dict) -> str:
    """What the caseworker signs when sending: a digest of the order's content, so that
    anyone can later check that what the provider was shown is what was signed."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def order_not_found(order_id) -> errors.DomainError:
    """No such order, or not one the asker may know of (a provider is told nothing more)."""
    return errors.not_found("order_not_found", "No such order", str(order_id))
