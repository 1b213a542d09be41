"""HTTP routes for journal notes: write, correct, add to, sign, read, and (support) remove."""
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter
from uuid6 import uuid7

from services.journal.domain import notes as domain
from services.journal.domain.access import Action, ensure_may_sign
from services.journal.domain.notes import CaseState
from services.journal.store import notes as store
from shared import errors
from shared.access import Grant
from shared.access.routes import allow
from shared.audit import log_access
from shared.events.catalog import NoteAddended, NoteCorrected, NoteRemoved, NoteSigned, NoteWritten
from shared.problems import Problem
from shared.service import ClockDep, OutboxDep, Pool

router = APIRouter(tags=["notes"])

Text = Annotated[str, Field(min_length=1, max_length=20_000, pattern=r"\S")]
Reason = Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Chosen by the client, new for every new note")]
DEFAULT_PAGE, MAX_PAGE = 50, 200


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

    @classmethod
    def new(cls, note_id: UUID, case_id: UUID, first: domain.Version) -> "NoteOut":
        """A note just written: its one version, nothing signed, struck or added yet."""
        version = VersionOut(version=1, text=first.text, occurred_on=first.occurred_on, written_by=first.written_by,
                             written_at=first.written_at, reason=None, signed_by=None, signed_at=None,
                             struck=False, struck_by=None, struck_at=None, struck_reason=None)
        return cls(id=note_id, case_id=case_id, author=first.written_by, created_at=first.written_at,
                   current_version=1, occurred_on=first.occurred_on, signed=False, versions=[version], addenda=[])


class ArchivedNoteOut(NoteOut):
    removed: bool
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str | None


_NOTE_LIST = TypeAdapter(list[NoteOut])  # validates the store's JSON in one pass, no dicts in between


class NotePage(BaseModel):
    notes: list[NoteOut]
    next_before: UUID | None = Field(description="Pass as `before` for the next page; null on the last")


def _key(value: str | None) -> str:
    if not value or not value.strip():
        raise Problem(400, "idempotency_key_missing", "An Idempotency-Key header is required",
                      "send a key of your choosing, new for each new note; send it again on a retry")
    return value


def _case_state(row) -> CaseState | None:
    if row is None or row["case_id"] is None:
        return None
    return CaseState(unit=row["unit"], open=row["status"] == "open", removed=row["removed_at"] is not None)


def _check_case(row, action: Action, user: Grant) -> None:
    domain.ensure_case_accepts(_case_state(row), action)
    user.ensure_unit(row["unit"])


async def _note(conn, note_id: UUID, action: Action, user: Grant) -> asyncpg.Record:
    """The note, locked, so that corrections, signing and removal of one note take turns."""
    row = await store.get_note(conn, note_id, for_update=True)
    if row is None:
        raise errors.not_found("note_not_found", "No such note", str(note_id))
    if action is not Action.REMOVE:
        domain.ensure_not_removed(row["removed_at"] is not None)
        domain.ensure_case_accepts(CaseState(row["unit"], row["case_open"], row["case_removed"]), action)
        user.ensure_unit(row["unit"])
    return row


def _replayed(earlier_hash: str, earlier_removed: bool, request_hash: str) -> None:
    """An earlier request with the same key made a note: answer it if this is the same request."""
    domain.ensure_same_request(earlier_hash, request_hash)
    domain.ensure_not_removed(earlier_removed)


@router.post("/cases/{case_id}/notes", status_code=201, response_model=NoteOut,
             responses={200: {"description": "A retry: the note this key made before"}},
             summary="Write a note (skriv journalanteckning)")
async def write_note(case_id: UUID, body: NoteIn, response: Response, pool: Pool, outbox: OutboxDep,
                     clock: ClockDep, idempotency_key: IdempotencyKey = None,
                     user: Grant = allow("journal:note.write")) -> NoteOut:
    key = _key(idempotency_key)
    request_hash = domain.fingerprint({"case_id": case_id, **body.model_dump(mode="json")})
    async with pool.acquire() as conn, conn.transaction():
        context = await store.write_context(conn, case_id=case_id, author=user.sub, idempotency_key=key)
        if context["earlier_id"] is None:
            _check_case(context, Action.WRITE, user)
            now, note_id = clock.now(), uuid7()
            first = domain.first_version(text=body.text, occurred_on=body.occurred_on, by=user.sub, at=now,
                                         today=clock.today())
            if await store.insert_note(conn, note_id=note_id, case_id=case_id, created_at=now,
                                       idempotency_key=key, request_hash=request_hash, first=first):
                await outbox.add(conn, NoteWritten(note_id=note_id, case_id=case_id,
                                                   person_id=context["person_id"], version=1,
                                                   occurred_on=first.occurred_on, written_by=user.sub,
                                                   written_at=now),
                                 key=str(case_id), subject=f"note/{note_id}")
                return NoteOut.new(note_id, case_id, first)
            # A concurrent request with the same key committed first.
            earlier = await store.note_by_key(conn, user.sub, key)
            context = {"earlier_id": earlier["id"], "earlier_hash": earlier["request_hash"],
                       "earlier_removed_at": earlier["removed_at"]}
        _replayed(context["earlier_hash"], context["earlier_removed_at"] is not None, request_hash)
        note = await store.full_note(conn, context["earlier_id"])
    response.status_code = 200
    return NoteOut.model_validate_json(note)


@router.post("/notes/{note_id}/corrections", status_code=201, response_model=NoteOut,
             summary="Correct a note (rätta): a new version; the old one stays, struck through")
async def correct_note(note_id: UUID, body: CorrectionIn, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                       user: Grant = allow("journal:note.correct")) -> NoteOut:
    async with pool.acquire() as conn, conn.transaction():
        note = await _note(conn, note_id, Action.CORRECT, user)
        now = clock.now()
        version, changed = domain.correct(await store.current_version(conn, note_id),
                                          based_on=body.based_on_version, text=body.text,
                                          occurred_on=body.occurred_on, reason=body.reason, by=user.sub,
                                          at=now, today=clock.today())
        await store.insert_version(conn, note_id, version)
        await outbox.add(conn, NoteCorrected(note_id=note_id, case_id=note["case_id"], person_id=note["person_id"],
                                             version=version.version, based_on_version=body.based_on_version,
                                             changed=changed, occurred_on=version.occurred_on,
                                             corrected_by=user.sub, corrected_at=now),
                         key=str(note["case_id"]), subject=f"note/{note_id}")
        shown = await store.full_note(conn, note_id)
    return NoteOut.model_validate_json(shown)


@router.post("/notes/{note_id}/sign", status_code=201, response_model=NoteOut,
             responses={200: {"description": "That version was already signed"}},
             summary="Sign the current version of a note (signera)")
async def sign_note(note_id: UUID, body: SignIn, response: Response, pool: Pool, outbox: OutboxDep,
                    clock: ClockDep, user: Grant = allow("journal:note.sign")) -> NoteOut:
    async with pool.acquire() as conn, conn.transaction():
        note = await _note(conn, note_id, Action.SIGN, user)
        current = await store.current_version(conn, note_id)
        domain.ensure_current(body.version, current.version)
        ensure_may_sign(user, current.written_by)
        now = clock.now()
        signed = await store.insert_signature(conn, note_id=note_id, version=current.version,
                                              signed_by=user.sub, signed_at=now)
        if signed:
            await outbox.add(conn, NoteSigned(note_id=note_id, case_id=note["case_id"], person_id=note["person_id"],
                                              version=current.version, signed_by=user.sub, signed_at=now),
                             key=str(note["case_id"]), subject=f"note/{note_id}")
        shown = await store.full_note(conn, note_id)
    response.status_code = 201 if signed else 200
    return NoteOut.model_validate_json(shown)


@router.post("/notes/{note_id}/addenda", status_code=201, response_model=NoteOut,
             responses={200: {"description": "A retry: the addendum this key made before"}},
             summary="Add an addendum (tillägg), e.g. the person's objection; the note is not changed")
async def add_addendum(note_id: UUID, body: AddendumIn, response: Response, pool: Pool, outbox: OutboxDep,
                       clock: ClockDep, idempotency_key: IdempotencyKey = None,
                       user: Grant = allow("journal:note.addend")) -> NoteOut:
    key = _key(idempotency_key)
    request_hash = domain.fingerprint({"note_id": note_id, **body.model_dump(mode="json")})
    created = False
    async with pool.acquire() as conn, conn.transaction():
        note = await _note(conn, note_id, Action.ADDEND, user)
        earlier = await store.addendum_by_key(conn, user.sub, key)
        if earlier is None:
            now, addendum_id = clock.now(), uuid7()
            created = await store.insert_addendum(conn, addendum_id=addendum_id, note_id=note_id, text=body.text,
                                                  given_by=body.given_by, written_by=user.sub, written_at=now,
                                                  idempotency_key=key, request_hash=request_hash)
            if created:
                await outbox.add(conn, NoteAddended(note_id=note_id, case_id=note["case_id"],
                                                    person_id=note["person_id"], addendum_id=addendum_id,
                                                    written_by=user.sub, written_at=now),
                                 key=str(note["case_id"]), subject=f"note/{note_id}")
            else:  # a concurrent request with the same key committed first
                earlier = await store.addendum_by_key(conn, user.sub, key)
        if earlier is not None:
            domain.ensure_same_request(earlier["request_hash"], request_hash)
        shown = await store.full_note(conn, note_id)
    response.status_code = 201 if created else 200
    return NoteOut.model_validate_json(shown)


@router.post("/notes/{note_id}/removal", response_model=ArchivedNoteOut,
             summary="Remove a note written on the wrong person (support); it stays in the archive")
async def remove_note(note_id: UUID, body: RemovalIn, request: Request, pool: Pool, outbox: OutboxDep,
                      clock: ClockDep, user: Grant = allow("journal:note.remove")) -> ArchivedNoteOut:
    async with pool.acquire() as conn, conn.transaction():
        note = await _note(conn, note_id, Action.REMOVE, user)
        current = await store.current_version(conn, note_id)
        domain.ensure_removable(removed=note["removed_at"] is not None, based_on=body.version,
                                current=current.version)
        now = clock.now()
        await store.mark_removed(conn, note_id, removed_by=user.sub, reason=body.reason, removed_at=now)
        await outbox.add(conn, NoteRemoved(note_id=note_id, case_id=note["case_id"], person_id=note["person_id"],
                                           version=current.version, reason=body.reason, removed_by=user.sub,
                                           removed_at=now),
                         key=str(note["case_id"]), subject=f"note/{note_id}")
        # The removal is also in the access audit, where a person's log is reviewed.
        await log_access(conn, outbox, clock, user, resource=f"note/{note_id}", person_id=note["person_id"],
                         request=request, action="remove")
        shown = await store.full_note(conn, note_id)
    return ArchivedNoteOut.model_validate_json(shown)


@router.get("/cases/{case_id}/notes", response_model=NotePage,
            summary="A case's notes with every version, newest first (removed notes left out)")
async def case_notes(case_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                     limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                     before: Annotated[UUID | None, Query(description="`next_before` of the previous page")] = None,
                     user: Grant = allow("journal:note.read")) -> NotePage:
    async with pool.acquire() as conn, conn.transaction():
        page = await store.case_notes(conn, case_id, before=before, limit=limit)
        _check_case(page, Action.READ, user)
        await log_access(conn, outbox, clock, user, resource=f"case/{case_id}/notes",
                         person_id=page["person_id"], request=request)
    notes = _NOTE_LIST.validate_json(page["notes"])
    return NotePage(notes=notes, next_before=notes[-1].id if len(notes) == limit else None)


@router.get("/notes/{note_id}", response_model=NoteOut, summary="One note with every version")
async def get_note(note_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                   user: Grant = allow("journal:note.read")) -> NoteOut:
    async with pool.acquire() as conn, conn.transaction():
        note = await store.get_note(conn, note_id)
        if note is None:
            raise errors.not_found("note_not_found", "No such note", str(note_id))
        domain.ensure_not_removed(note["removed_at"] is not None)
        domain.ensure_case_accepts(CaseState(note["unit"], note["case_open"], note["case_removed"]), Action.READ)
        user.ensure_unit(note["unit"])
        shown = await store.full_note(conn, note_id)
        await log_access(conn, outbox, clock, user, resource=f"note/{note_id}", person_id=note["person_id"],
                         request=request)
    return NoteOut.model_validate_json(shown)


@router.get("/archive/notes/{note_id}", response_model=ArchivedNoteOut,
            summary="The restricted archive (support): any note, removed or not, with every version")
async def archived_note(note_id: UUID, request: Request, pool: Pool, outbox: OutboxDep, clock: ClockDep,
                        user: Grant = allow("journal:archive.read")) -> ArchivedNoteOut:
    async with pool.acquire() as conn, conn.transaction():
        note = await store.get_note(conn, note_id)
        if note is None:
            raise errors.not_found("note_not_found", "No such note", str(note_id))
        shown = await store.full_note(conn, note_id)
        await log_access(conn, outbox, clock, user, resource=f"archive/note/{note_id}",
                         person_id=note["person_id"], request=request, action="read_archive")
    return ArchivedNoteOut.model_validate_json(shown)


@router.delete("/{path:path}", status_code=405, include_in_schema=False)
async def no_delete(path: str) -> None:
    """Nothing in the journal is deleted (DESIGN.md rule 1); removal is its own audited action."""
    raise Problem(405, "method_not_allowed", "The journal has no delete",
                  "notes are corrected, never deleted; a note on the wrong person is removed by support"
                  " with POST /notes/{id}/removal")
