"""HTTP routes for a citizen's own journal (mina journalanteckningar): their signed notes, without
the parts withheld from them, and their own comments beside a note."""
from uuid import UUID

from fastapi import Response
from pydantic import TypeAdapter

from services.journal.api.models import MyAddendumIn, MyNoteOut
from services.journal.usecases import notes
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, RequiredIdempotencyKey, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/me", tags=["citizen"])

_MY_NOTE = TypeAdapter(MyNoteOut)


@router.get("/notes", response_model=Page[MyNoteOut],
            summary="Your own signed notes, newest first, without what is withheld from you")
async def my_notes(page: PageDep, uow: UnitOfWorkDep, user: Grant = allow("journal:own_note.read")) -> Page[MyNoteOut]:
    """The signed notes of the citizen's own cases (by the `pin` of their token), newest first:
    each note's current version without the part withheld from them, and their own comments.
    Unsigned and removed notes are not shown. Citizens only; 403 `no_identity` for a token
    without a personal identity number."""
    found = await notes.my_notes(uow, user, limit=page.limit, cursor=page.cursor)
    return Page[MyNoteOut](items=[_MY_NOTE.validate_json(n) for n in found.notes], next_cursor=found.next_cursor)


@router.get("/notes/{note_id}", response_model=MyNoteOut, summary="One of your own signed notes")
async def my_note(note_id: UUID, uow: UnitOfWorkDep, user: Grant = allow("journal:own_note.read")) -> MyNoteOut:
    """One of the citizen's own signed notes, as in their list. 404 `note_not_found` for a note
    that is not theirs, not signed or removed: they are not told apart."""
    return _MY_NOTE.validate_json(await notes.my_note(uow, user, note_id=note_id))


@router.post("/notes/{note_id}/addenda", status_code=201, response_model=MyNoteOut,
             responses={200: {"description": "A retry: the comment this key made before"}},
             summary="Add your own comment beside a note; the note itself is not changed")
async def add_my_addendum(note_id: UUID, body: MyAddendumIn, response: Response, uow: UnitOfWorkDep, *,
                          user: Grant = allow("journal:own_note.addend"),
                          idempotency_key: RequiredIdempotencyKey) -> MyNoteOut:
    """The citizen's own comment beside one of their signed notes (e.g. that they see it
    differently); the note does not change, and caseworkers see the comment with it. Requires an
    Idempotency-Key: a retry with the same key answers 200. Citizens only; 404 `note_not_found`
    as for reading the note, 409 `idempotency_key_reused`."""
    made = await notes.add_my_addendum(uow, user, note_id=note_id, text=body.text, key=idempotency_key)
    response.status_code = 201 if made.created else 200
    return _MY_NOTE.validate_json(made.note)
