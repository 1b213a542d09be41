"""What the journal's routes take and answer."""
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

Text = Annotated[str, Field(min_length=1, max_length=20_000, pattern=r"\S")]
Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]


class NoteIn(BaseModel):
    occurred_on: date = Field(description="The date of what the note is about (händelsedatum)")
    text: Text


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
    written_by: str
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
    written_by: str
    written_at: datetime


class NoteOut(BaseModel):
    id: UUID
    case_id: UUID
    author: str
    created_at: datetime
    current_version: int
    occurred_on: date
    signed: bool = Field(description="The current version is signed")
    versions: list[VersionOut] = Field(description="Every version, newest first")
    addenda: list[AddendumOut]


class ArchivedNoteOut(NoteOut):
    removed: bool
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str | None
