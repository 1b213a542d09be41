"""Timers and watches (bevakningar): when to fire, what a firing raises, dedup, ranking and
paging through a ranked list. No I/O."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.watch.domain.calendar import add_months, local_date, morning_of
from services.watch.domain.rules import (
    KIND_ORDER,
    Kind,
    Rule,
    Subject,
    Track,
    Who,
    rules_for,
)
from shared import errors
from shared.pagination import decode_cursor, encode_cursor

GRANTED = ("granted", "partly_granted")  # an avslag leaves nothing to carry out or follow up
CASE_CLOSED = "case_closed"              # settles every track of the case's subjects
UNIT_SUPERVISORS = "supervisor"          # escalated to the unit's supervisors (no one named)


@dataclass(frozen=True)
class Timer:
    rule: str
    fire_at: datetime
    due_on: date


def timer(rule: Rule, anchor: date | datetime, due_on: date | None = None) -> Timer:
    """When `rule` fires for an anchor: a moment keeps its time of day, a date fires in the morning."""
    if isinstance(anchor, datetime):
        fire_at = rule.fire_after.from_moment(anchor)
        due = local_date(rule.due_after.from_moment(anchor))
    else:
        fire_at = morning_of(rule.fire_after.from_day(anchor))
        due = rule.due_after.from_day(anchor)
    return Timer(rule.name, fire_at, due_on or due)


def order_timers(rules: dict[str, Rule], sent_at: datetime) -> list[Timer]:
    return [timer(r, sent_at) for r in rules_for(rules, Subject.ORDER)]


def inquiry_timers(rules: dict[str, Rule], received_on: date, due_on: date | None = None, *,
                   protection_due_on: date | None = None) -> list[Timer]:
    """The initial assessment's timers (due on `due_on`), and the protection assessment's when the
    report is about a child (`protection_due_on`, the day it came in)."""
    dues = {Track.ASSESSMENT: due_on, Track.PROTECTION: protection_due_on}
    return [timer(r, received_on, dues[r.track]) for r in rules_for(rules, Subject.INQUIRY)
            if r.track is Track.ASSESSMENT or dues[r.track] is not None]


def investigation_timers(rules: dict[str, Rule], started_on: date, due_on: date | None) -> list[Timer]:
    """The registry states when an investigation about a child is due, and the watch keeps to its
    date; an adult's investigation (no due date) has no statutory deadline and arms nothing."""
    if due_on is None:
        return []
    return [timer(r, started_on, due_on) for r in rules_for(rules, Subject.INVESTIGATION)]


def note_timers(rules: dict[str, Rule], written_at: datetime) -> list[Timer]:
    """A written note's reminder to sign it, counted from when it was written."""
    return [timer(r, written_at) for r in rules_for(rules, Subject.NOTE)]


def extended_timers(rules: dict[str, Rule], subject: Subject, track: Track, *, anchor: date,
                    due_on: date) -> list[Timer]:
    """The track's timers for a deadline extended to `due_on`: each rule fires as long before the
    new date as it did before the date it had from `anchor` (the start or the receipt)."""
    armed = []
    for rule in rules_for(rules, subject):
        if rule.track is not track:
            continue
        lead = rule.due_after.from_day(anchor) - rule.fire_after.from_day(anchor)
        armed.append(Timer(rule.name, morning_of(due_on - lead), due_on))
    return armed


# A placed child's care is considered at least every six months (docs/law.md, rule 7): the
# watch raises the review for the first three years of the placement, or until it lapses.
PLACEMENT_REVIEW_MONTHS = 6
PLACEMENT_REVIEWS = 6


def decision_timers(rules: dict[str, Rule], *, outcome: str, decided_on: date, follow_up_on: date | None,
                    valid_to: date | None, placement_of_child_from: date | None = None) -> list[Timer]:
    if outcome not in GRANTED:
        return []
    anchors = {"unexecuted_decision": decided_on, "follow_up_notice": follow_up_on, "follow_up": follow_up_on,
               "decision_lapsing": valid_to}
    armed = [timer(r, anchors[r.name]) for r in rules_for(rules, Subject.DECISION)
             if anchors.get(r.name) is not None]
    review = rules.get("placement_review")
    if placement_of_child_from is not None and review is not None and review.enabled:
        for n in range(1, PLACEMENT_REVIEWS + 1):
            day = add_months(placement_of_child_from, n * PLACEMENT_REVIEW_MONTHS)
            if valid_to is not None and day > valid_to:
                break
            armed.append(timer(review, day))
    return armed


@dataclass(frozen=True)
class WatchedThing:
    """What the watch knows of a subject when its timer fires (its read model row)."""
    id: UUID
    subject: Subject
    case_id: UUID | None
    caseworker: str | None
    unit: str
    facts: dict[str, Any] = field(default_factory=dict)
    settled: frozenset[str] = frozenset()
    case_closed: bool = False
    supervisor: str | None = None   # the caseworker's own supervisor, from the staff directory


@dataclass(frozen=True)
class Trigger:
    """One firing that raises (or updates) a watch."""
    rule: Rule
    thing: WatchedThing
    due_on: date
    fired_at: datetime
    count: int = 1           # firings of this subject and kind folded into this one

    @property
    def key(self) -> tuple[UUID, Kind]:
        return dedup_key(self.thing.id, self.rule.kind)

    @property
    def assignee(self) -> str | None:
        return self.thing.caseworker if self.rule.who in (Who.CASEWORKER, Who.OBJECT_SPECIALIST) else None

    @property
    def supervisor(self) -> str | None:
        """The supervisor an escalation names (the caseworker's own, from the directory), or None:
        the unit's supervisors."""
        return self.thing.supervisor if self.rule.who is Who.SUPERVISOR else None

    @property
    def role(self) -> str | None:
        """The role whose members see and resolve the watch (support, object_specialist), or None: the
        assignee's or the unit's."""
        return str(self.rule.who) if self.rule.who in (Who.SUPPORT, Who.OBJECT_SPECIALIST) else None

    @property
    def escalated_to(self) -> str | None:
        """The watch's `escalated_to`: the named supervisor's sub, else "supervisor" (the unit's)."""
        if self.rule.who is not Who.SUPERVISOR:
            return None
        return self.thing.supervisor or UNIT_SUPERVISORS


def dedup_key(subject_id: UUID, kind: Kind | str) -> tuple[UUID, Kind]:
    """One open watch per subject and kind: a second firing updates it."""
    return subject_id, Kind(kind)


def fire(rule: Rule | None, thing: WatchedThing | None, *, due_on: date, now: datetime) -> Trigger | None:
    """What a due timer raises, or None when its subject was settled (or closed) in the meantime."""
    if rule is None or thing is None or not rule.enabled:
        return None
    if rule.track in thing.settled:
        return None
    if (thing.case_closed or CASE_CLOSED in thing.settled) and not rule.survives_closing:
        return None
    return Trigger(rule, thing, due_on, now)


def collapse(triggers: list[Trigger]) -> list[Trigger]:
    """Fold firings of one subject and kind (e.g. a follow-up's notice and its day, both past)
    into one, so a batch touches each watch once; the latest due date wins."""
    folded: dict[tuple, Trigger] = {}
    for t in triggers:
        earlier = folded.get(t.key)
        if earlier is None:
            folded[t.key] = t
        else:
            latest = t if t.due_on >= earlier.due_on else earlier
            folded[t.key] = Trigger(latest.rule, latest.thing, latest.due_on, latest.fired_at,
                                    earlier.count + t.count)
    return list(folded.values())


def urgency_key(*, due_on: date, kind: str, raised_at: datetime, today: date) -> tuple:
    """Overdue first, then by due date, then by kind (KIND_ORDER), then oldest first."""
    return (0 if due_on < today else 1, due_on, KIND_ORDER.index(Kind(kind)), raised_at)


def is_overdue(due_on: date, today: date) -> bool:
    return due_on < today


# --- paging through the ranked list ---------------------------------------------------------------
#
# "Overdue first, then by due date" puts exactly the watches due before `today` first, in due
# date order, and the rest after them in due date order: the same order as by due date alone,
# whatever `today` is. So the ranking's key without its overdue flag, plus the id to break the
# last ties, is a position in the list that does not depend on the day: a cursor made on one
# day still means the same place when the next page is read on another (the clock moved, or
# midnight passed), where a cursor carrying the overdue flag would skip or repeat watches.

KIND_NAMES = frozenset(str(k) for k in KIND_ORDER)


@dataclass(frozen=True, order=True)
class ListPosition:
    """Where a watch stands in the ranked list: due date, kind (KIND_ORDER), age, id."""
    due_on: date
    kind_rank: int
    raised_at: datetime
    id: UUID

    @property
    def kind(self) -> Kind:
        return KIND_ORDER[self.kind_rank]


def position_of(watch: Mapping[str, Any]) -> ListPosition:
    return ListPosition(watch["due_on"], KIND_ORDER.index(Kind(watch["kind"])), watch["raised_at"], watch["id"])


def list_key(watch: Mapping[str, Any]) -> tuple:
    """The cursor's key of a listed watch: its position, with the kind by name."""
    at = position_of(watch)
    return at.due_on, str(at.kind), at.raised_at, at.id


def list_cursor(watch: Mapping[str, Any]) -> str:
    return encode_cursor(*list_key(watch))


def position_after(cursor: str | None) -> ListPosition | None:
    """The position a cursor of the list names (None: the first page); 422 `invalid_cursor`."""
    key = decode_cursor(cursor, date, str, datetime, UUID)
    if key is None:
        return None
    due_on, kind, raised_at, id = key
    if kind not in KIND_NAMES or raised_at.tzinfo is None:
        raise errors.invalid("invalid_cursor", "The cursor is not valid",
                             "pass `next_cursor` of the previous page unchanged")
    return ListPosition(due_on, KIND_ORDER.index(Kind(kind)), raised_at, id)


@dataclass(frozen=True)
class KindCount:
    open: int
    overdue: int


def ensure_open(watch: Mapping[str, Any]) -> None:
    """Only an open watch is resolved by hand; 409 `watch_resolved` for one already resolved."""
    if watch["status"] != "open":
        raise errors.conflict("watch_resolved", "The watch is already resolved",
                              f"resolved {watch['resolved_at'].isoformat()} ({watch['resolution']})")


def resolution_comment(text: str | None) -> str | None:
    """What was done, as the record keeps it: trimmed, and none when blank."""
    return (text or "").strip() or None


def seconds_to_sleep(next_due: datetime | None, now: datetime, poll_seconds: float) -> float:
    """How long the scheduler may sleep: until the next timer is due, at most `poll_seconds`."""
    if next_due is None:
        return poll_seconds
    return min(max((next_due - now).total_seconds(), 0.0), poll_seconds)
