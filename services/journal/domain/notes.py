"""Journal notes (journalanteckningar): versions, corrections, signing, removal. No I/O here.

A note is a list of versions. A correction (rättelse), of text or of date alike, appends
a version; every earlier version stays and is shown struck through, with who struck it,
when and why (derived where notes are read, in store.notes; never stored). Every action
names the version it acts on, so nobody corrects, signs or removes something other than
what they saw.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from services.journal.domain.access import Action
from shared import errors
from shared.case_state import CaseState, ensure_case_known, ensure_case_open


@dataclass(frozen=True)
class Case(CaseState):
    """What the journal knows of a registry case: its state, and whose it is (a read of its
    notes is logged against the person)."""
    person_id: UUID | None = None


@dataclass(frozen=True)
class NoteHead:
    """A note without its text: the case it is on, as the journal knows it, and whether it was removed."""
    id: UUID
    case_id: UUID
    case: Case
    removed: bool


class Source(StrEnum):
    """Where the information in a note comes from (uppgiftens källa)."""
    PERSON = "person"                      # den enskilde
    RELATIVE = "relative"                  # anhörig
    OTHER_AUTHORITY = "other_authority"    # annan myndighet
    OWN_OBSERVATION = "own_observation"    # egen iakttagelse
    OTHER = "other"                        # annat


@dataclass(frozen=True)
class Withheld:
    """A part of a note not shown to the person (sekretess mot den enskilde, e.g. what a
    relative told in confidence): its text and the reason it is withheld, e.g. the section of
    the secrecy act. Caseworkers read it beside the text; the person's own view leaves it out."""
    text: str
    reason: str


@dataclass(frozen=True)
class Version:
    version: int
    text: str
    occurred_on: date
    written_by: str
    written_at: datetime
    reason: str | None = None
    source: Source | None = None          # None only on notes written before the source was asked for
    withheld: Withheld | None = None


# A closed case's journal is final: no new notes or corrections. The person's addendum and the
# signing of what was written before closing are still taken, and it is still read.
_CHANGES_THE_RECORD = (Action.WRITE, Action.CORRECT)


def ensure_case_accepts(case: Case | None, case_id: UUID, action: Action) -> Case:
    """The case takes the action, or answers as in every service that keeps a read model of
    cases (shared.case_state): not known (yet), removed, or closed to what would change the record."""
    if action in _CHANGES_THE_RECORD:
        ensure_case_open(case, case_id)
    else:
        ensure_case_known(case, case_id)
    return case


def ensure_not_in_future(occurred_on: date, today: date) -> None:
    # `today` is the date in Sweden (Clock.today()), the caseworker's date.
    if occurred_on > today:
        raise errors.invalid("occurred_on_in_future", "The date of the event is in the future",
                             f"occurred_on {occurred_on.isoformat()} is after today ({today.isoformat()})")


def ensure_source(source: Source | None) -> Source:
    """A new note states where its information comes from."""
    if source is None:
        raise errors.invalid("source_missing", "A note states the source of its information",
                             "source: person, relative, other_authority, own_observation or other")
    return Source(source)


def withheld_part(text: str | None, reason: str | None) -> Withheld | None:
    """The part not shown to the person, which always says why it is withheld."""
    if text is None and reason is None:
        return None
    if text is None:
        raise errors.invalid("withheld_text_missing", "A reason was given but no withheld text",
                             "withheld_reason goes with withheld_text")
    if reason is None:
        raise errors.invalid("withheld_reason_missing", "A part withheld from the person states why",
                             "withheld_reason: the ground for secrecy towards the person, e.g. OSL 26 kap. 5 §")
    return Withheld(text, reason)


def first_version(*, text: str, occurred_on: date, by: str, at: datetime, today: date,
                  source: Source | None, withheld: Withheld | None = None) -> Version:
    ensure_not_in_future(occurred_on, today)
    return Version(1, text, occurred_on, by, at, source=ensure_source(source), withheld=withheld)


def ensure_current(based_on: int, current: int) -> None:
    if based_on != current:
        raise errors.conflict("version_conflict", "The note has a newer version",
                              f"you acted on version {based_on}; the current version is {current}",
                              current_version=current)


def correct(current: Version, *, based_on: int, text: str | None, occurred_on: date | None,
            reason: str, by: str, at: datetime, today: date) -> tuple[Version, list[str]]:
    """The next version and what changed in it."""
    ensure_current(based_on, current.version)
    new_text = current.text if text is None else text
    new_date = current.occurred_on if occurred_on is None else occurred_on
    changed = [name for name, old, new in (("text", current.text, new_text),
                                           ("occurred_on", current.occurred_on, new_date)) if old != new]
    if not changed:
        raise errors.invalid("nothing_to_correct", "The correction changes nothing",
                             "give a new text or a new occurred_on that differs from the current version")
    ensure_not_in_future(new_date, today)
    # The source and the withheld part stay as they were: a correction is of the text or the date.
    return replace(current, version=current.version + 1, text=new_text, occurred_on=new_date, written_by=by,
                   written_at=at, reason=reason), changed


def ensure_not_removed(removed: bool) -> None:
    if removed:
        raise errors.gone("note_removed", "The note has been removed",
                          "it was written on the wrong person; support can read it in the archive")


def ensure_removable(*, removed: bool, based_on: int, current: int) -> None:
    if removed:
        raise errors.conflict("already_removed", "The note is already removed")
    ensure_current(based_on, current)
