"""Events on journal.events (journalanteckningar).

Keyed by the case id, not the note id: a reader that follows a case's journal (a timeline,
a supervisor's review) then sees every note of the case in the order it happened, and a
note's own events, which share the case, stay in order as well.

The events carry the facts, not the text of a note: the text is sensitive personal data
and stays in the journal; other services need to know that something was written, not what.
"""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type


@event_type("note.written", "journal.events")
class NoteWritten(BaseModel):
    """En journalanteckning har skrivits."""
    note_id: UUID
    case_id: UUID
    person_id: UUID | None = None
    version: int
    occurred_on: date
    written_by: str
    written_at: datetime
    source: str | None = Field(None, description="the source of the information: person, relative,"
                                                 " other_authority, own_observation, other")
    unit: str | None = Field(None, description="the case's unit (for the watch of unsigned notes)")


@event_type("note.corrected", "journal.events")
class NoteCorrected(BaseModel):
    """En anteckning har rättats: en ny version; den förra står kvar, överstruken."""
    note_id: UUID
    case_id: UUID
    person_id: UUID | None = None
    version: int
    based_on_version: int
    changed: list[Literal["text", "occurred_on"]]
    occurred_on: date
    corrected_by: str
    corrected_at: datetime


@event_type("note.addended", "journal.events")
class NoteAddended(BaseModel):
    """Ett tillägg har fogats till en anteckning, till exempel den enskildes invändning."""
    note_id: UUID
    case_id: UUID
    person_id: UUID | None = None
    addendum_id: UUID
    written_by: str
    written_at: datetime


@event_type("note.signed", "journal.events")
class NoteSigned(BaseModel):
    """En version av en anteckning har signerats."""
    note_id: UUID
    case_id: UUID
    person_id: UUID | None = None
    version: int
    signed_by: str
    signed_at: datetime


@event_type("note.removed", "journal.events")
class NoteRemoved(BaseModel):
    """En anteckning skriven på fel person har tagits bort ur de vanliga vyerna (finns kvar i arkivet)."""
    note_id: UUID
    case_id: UUID
    person_id: UUID | None = None
    version: int
    removed_by: str
    removed_at: datetime


__all__ = ["NoteAddended", "NoteCorrected", "NoteRemoved", "NoteSigned", "NoteWritten", "NotesCulled"]


@event_type("notes.culled", "journal.events")
class NotesCulled(BaseModel):
    """Journalen har gallrat en persons anteckningar, med alla versioner, signeringar och tillägg,
    och sina uppgifter om personens ärenden: the journal's confirmation of a culling
    (`person.culling_approved`). Keyed by the culling. Counts what went, never what it said."""
    culling_id: UUID
    service: Literal["journal"] = "journal"
    counts: dict[str, int] = Field(description="rows culled per kind: notes, versions, signatures, addenda, cases")
    culled_at: datetime
