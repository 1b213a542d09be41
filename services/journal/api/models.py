"""What the journal's routes take and answer."""
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.journal.domain.notes import Source

Text = Annotated[str, Field(min_length=1, max_length=20_000, pattern=r"\S")]
Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]

_CASE_ID = "5c0a7e2d-91b4-4f36-8d2a-6e3b1f0c9a47"
_NOTE_ID = "01960b2e-7c41-7a3d-9e52-4f8a1b2c3d4e"
_TEXT = ("Hembesök hos Tolvan tillsammans med dottern. Tolvan berättar att hon inte längre klarar"
         " att handla och laga mat själv och önskar hjälp med detta.")
_VERSION = {
    "version": 1, "text": _TEXT, "occurred_on": "2026-03-03", "source": "person", "withheld_text": None,
    "withheld_reason": None, "written_by": "anna", "written_by_name": "Anna Andersson",
    "written_by_title": "Biståndshandläggare", "written_at": "2026-03-03T14:20:00Z", "reason": None,
    "signed_by": "anna", "signed_at": "2026-03-03T14:35:00Z", "struck": False, "struck_by": None,
    "struck_at": None, "struck_reason": None}
_NOTE = {
    "id": _NOTE_ID, "case_id": _CASE_ID, "author": "anna", "written_by_name": "Anna Andersson",
    "written_by_title": "Biståndshandläggare", "created_at": "2026-03-03T14:20:00Z", "current_version": 1,
    "occurred_on": "2026-03-03", "source": "person", "signed": True, "versions": [_VERSION],
    "addenda": [{"id": "01960b4f-2a10-7b6c-8d9e-0f1a2b3c4d5e",
                 "text": "Dottern vill tillägga att hon kan handla åt Tolvan varannan vecka.",
                 "given_by": "dottern", "author_kind": "staff", "written_by": "anna",
                 "written_by_name": "Anna Andersson", "written_by_title": "Biståndshandläggare",
                 "written_at": "2026-03-05T09:10:00Z"}]}


class NoteIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"occurred_on": "2026-03-03", "text": _TEXT, "source": "person"}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"based_on_version": 1, "occurred_on": "2026-03-02", "reason": "Fel datum för hembesöket"}]})

    based_on_version: int = Field(ge=1, description="The version you are correcting; must be the current one")
    text: Text | None = None
    occurred_on: date | None = None
    reason: Reason


class SignIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1}]})

    version: int = Field(ge=1, description="The version you sign; must be the current one")


class AddendumIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"text": "Dottern vill tillägga att hon kan handla åt Tolvan varannan vecka.", "given_by": "dottern"}]})

    text: Text
    given_by: str | None = Field(None, max_length=200, description="Whose view it records, e.g. the person")


class RemovalIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"version": 1, "reason": "Anteckningen skrevs i fel persons ärende"}]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [_NOTE]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_NOTE, "removed": True, "removed_at": "2026-03-10T10:00:00Z", "removed_by": "stina",
        "removal_reason": "Anteckningen skrevs i fel persons ärende"}]})

    removed: bool
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str | None


class MyAddendumIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"text": "Jag klarar att laga frukost själv, det är middagen jag behöver hjälp med."}]})

    text: Text = Field(description="Your own comment on the note (e.g. that you see it differently)")


class MyAddendumOut(BaseModel):
    id: UUID
    text: str
    written_at: datetime


class MyNoteOut(BaseModel):
    """A signed note as the person it is about reads it: its current version, without the part
    withheld from the person, and the person's own comments."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": _NOTE_ID, "case_id": _CASE_ID, "version": 1, "occurred_on": "2026-03-03", "text": _TEXT,
        "source": "person", "written_by_name": "Anna Andersson", "written_by_title": "Biståndshandläggare",
        "written_at": "2026-03-03T14:20:00Z", "signed_at": "2026-03-03T14:35:00Z",
        "addenda": [{"id": "01960c11-5e2f-7a3b-8c4d-5e6f7a8b9c0d",
                     "text": "Jag klarar att laga frukost själv, det är middagen jag behöver hjälp med.",
                     "written_at": "2026-03-06T18:02:00Z"}]}]})

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
