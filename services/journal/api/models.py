"""What the journal's routes take and answer."""
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.journal.domain.notes import Source

Text = Annotated[str, Field(min_length=1, max_length=20_000, pattern=r"\S")]
Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]


class NoteIn(BaseModel):
    occurred_on: date = Field(description="The date of what the note is about (händelsedatum)")
    text: Text = Field(description="What the note says; the person reads it once signed")
    source: Source | None = Field(None, description="Required: where the information comes from (uppgiftens källa):"
                                                    " person (den enskilde), relative (anhörig), other_authority"
                                                    " (annan myndighet), own_observation (egen iakttagelse),"
                                                    " other (annat); 422 source_missing without it")
    withheld_text: Text | None = Field(None, description="A part not shown to the person (sekretess mot den"
                                                         " enskilde); caseworkers read it beside the text")
    withheld_reason: Reason | None = Field(None, description="Why that part is withheld, e.g. OSL 26 kap. 5 §;"
                                                             " required with withheld_text")


class CorrectionIn(BaseModel):
    based_on_version: int = Field(ge=1, description="The version you are correcting; must be the current one")
    text: Text | None = None
    occurred_on: date | None = None
    reason: Reason


class SignIn(BaseModel):
    version: int = Field(ge=1, description="The version you sign; must be the current one")


class AddendumIn(BaseModel):
    text: Text
    given_by: str | None = Field(None, max_length=200, description="Whose view it records, e.g. the person")


class RemovalIn(BaseModel):
    version: int = Field(ge=1, description="The current version of the note you remove")
    reason: Reason


class VersionOut(BaseModel):
    version: int
    text: str
    occurred_on: date
    source: Source | None = Field(description="Where the information comes from; null: not stated (older notes)")
    withheld_text: str | None = Field(description="The part not shown to the person")
    withheld_reason: str | None
    written_by: str
    written_by_name: str | None = Field(description="From the staff directory; null when unknown")
    written_by_title: str | None
    written_at: datetime
    reason: str | None = Field(description="Why the version before this one was corrected")
    signed_by: str | None
    signed_at: datetime | None
    struck: bool = Field(description="A later version exists; this one is shown struck through")
    struck_by: str | None
    struck_at: datetime | None
    struck_reason: str | None


class AddendumOut(BaseModel):
    id: UUID
    text: str
    given_by: str | None
    author_kind: Literal["staff", "person"] = Field(description="staff: a tillägg by staff; person: the person's"
                                                                " own comment, written in /me/notes")
    written_by: str
    written_by_name: str | None = Field(description="From the staff directory; null when unknown or the person")
    written_by_title: str | None
    written_at: datetime


class NoteOut(BaseModel):
    id: UUID
    case_id: UUID
    author: str
    written_by_name: str | None = Field(description="The author's name from the staff directory; null when unknown")
    written_by_title: str | None
    created_at: datetime
    current_version: int
    occurred_on: date
    source: Source | None = Field(description="Where the information comes from; null: not stated (older notes)")
    signed: bool = Field(description="The current version is signed")
    versions: list[VersionOut] = Field(description="Every version, newest first")
    addenda: list[AddendumOut]


class ArchivedNoteOut(NoteOut):
    removed: bool
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str | None


class MyAddendumIn(BaseModel):
    text: Text = Field(description="Your own comment on the note (e.g. that you see it differently)")


class MyAddendumOut(BaseModel):
    id: UUID
    text: str
    written_at: datetime


class MyNoteOut(BaseModel):
    """A signed note as the person it is about reads it: its current version, without the part
    withheld from the person, and the person's own comments."""
    id: UUID
    case_id: UUID
    version: int
    occurred_on: date
    text: str
    source: Source | None
    written_by_name: str | None
    written_by_title: str | None
    written_at: datetime
    signed_at: datetime
    addenda: list[MyAddendumOut] = Field(description="Your own comments, oldest first")
