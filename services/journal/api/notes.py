"""HTTP routes for journal notes: write, correct, add to, sign, read, and (support) remove."""
from uuid import UUID

from fastapi import Request, Response
from fastapi.routing import APIRoute

from services.journal.api.models import AddendumIn, ArchivedNoteOut, CorrectionIn, NoteIn, NoteOut, RemovalIn, SignIn
from services.journal.usecases import notes
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, RequiredIdempotencyKey, UnitOfWorkDep
from shared.etag import etag_header, etag_of_json
from shared.openapi import service_router
from shared.pagination import Page, page_json
from shared.problems import Problem

router = service_router(tags=["notes"])


ETAG = etag_header("The note as read (versions, signatures, addenda): send it back in If-Match to"
                   " correct, sign, add to or remove exactly what you read")


def _tagged(note: str, response: Response) -> NoteOut:
    response.headers["ETag"] = etag_of_json(note)
    return NoteOut.model_validate_json(note)


def _made(made: notes.Made, response: Response) -> NoteOut:
    response.status_code = 201 if made.created else 200
    return _tagged(made.note, response)


@router.post("/cases/{case_id}/notes", status_code=201, response_model=NoteOut,
             responses={200: {"description": "A retry: the note this key made before"}},
             summary="Write a note (skriv journalanteckning)")
async def write_note(case_id: UUID, body: NoteIn, response: Response, uow: UnitOfWorkDep, *,
                     user: Grant = allow("journal:note.write"), idempotency_key: RequiredIdempotencyKey) -> NoteOut:
    """Writes a new, unsigned note (version 1) in an open case of the caller's unit, stating the
    source of its information and perhaps a part withheld from the person, and publishes
    `note.written`. Requires an Idempotency-Key: a retry with the same key answers 200 with the
    note it made. Caseworkers and supervisors of the case's unit. 409 `case_not_known` for a
    case the journal has not heard of (or another unit's), `case_closed` for a closed case; 422
    `source_missing`, `occurred_on_in_future`, `withheld_reason_missing` or
    `withheld_text_missing`."""
    made = await notes.write_note(uow, user, case_id=case_id, occurred_on=body.occurred_on, text=body.text,
                                  source=body.source, withheld_text=body.withheld_text,
                                  withheld_reason=body.withheld_reason, key=idempotency_key)
    return _made(made, response)


@router.post("/notes/{note_id}/corrections", status_code=201, response_model=NoteOut,
             responses={201: {"description": "The note with its new version", "headers": ETAG}},
             summary="Correct a note (rätta): a new version; the old one stays, struck through")
async def correct_note(note_id: UUID, body: CorrectionIn, response: Response, uow: UnitOfWorkDep,
                       if_match: IfMatch = None, user: Grant = allow("journal:note.correct")) -> NoteOut:
    """Corrects the text or the date of a note as a new version, with a reason; the version it
    corrects stays, struck through, and `note.corrected` is published. Name the current version
    in `based_on_version`: 409 `version_conflict` when there is a newer one. Caseworkers and
    supervisors of the case's unit, in an open case (409 `case_closed`); 404 `note_not_found`,
    410 `note_removed`, 422 `nothing_to_correct` when nothing changes. With If-Match (the ETag
    of the note as read), any change since (a version, a signature, an addendum) is 412
    `etag_mismatch`."""
    shown = await notes.correct_note(uow, user, note_id=note_id, based_on_version=body.based_on_version,
                                     text=body.text, occurred_on=body.occurred_on, reason=body.reason,
                                     if_match=if_match)
    return _tagged(shown, response)


@router.post("/notes/{note_id}/sign", status_code=201, response_model=NoteOut,
             responses={200: {"description": "That version was already signed", "headers": ETAG},
                        201: {"description": "The note, signed", "headers": ETAG}},
             summary="Sign the current version of a note (signera)")
async def sign_note(note_id: UUID, body: SignIn, response: Response, uow: UnitOfWorkDep,
                    if_match: IfMatch = None, user: Grant = allow("journal:note.sign")) -> NoteOut:
    """Signs the current version of a note (201, publishing `note.signed`); signing a version
    already signed answers 200 and changes nothing. The author signs their own version; a
    supervisor may sign for another author (403 `not_author` otherwise). 409 `version_conflict`
    when `version` is not the current one; 404 `note_not_found`, 410 `note_removed`. With
    If-Match, what is signed is exactly the note as read (412 `etag_mismatch` otherwise)."""
    return _made(await notes.sign_note(uow, user, note_id=note_id, version=body.version, if_match=if_match),
                 response)


@router.post("/notes/{note_id}/addenda", status_code=201, response_model=NoteOut,
             responses={200: {"description": "A retry: the addendum this key made before", "headers": ETAG},
                        201: {"description": "The note with the addendum", "headers": ETAG}},
             summary="Add an addendum (tillägg), e.g. the person's objection; the note is not changed")
async def add_addendum(note_id: UUID, body: AddendumIn, response: Response, uow: UnitOfWorkDep, *,
                       if_match: IfMatch = None, user: Grant = allow("journal:note.addend"),
                       idempotency_key: RequiredIdempotencyKey) -> NoteOut:
    """Adds an addendum (tillägg) beside the note, e.g. the person's objection as told to the
    caseworker; the note and its versions do not change. Publishes `note.addended`. Requires an
    Idempotency-Key: a retry with the same key answers 200 with the note as it was made.
    Caseworkers and supervisors of the case's unit; 404 `note_not_found`, 410 `note_removed`,
    409 `idempotency_key_reused` for a key used for another request. With If-Match, only to the
    note as read (412 `etag_mismatch`)."""
    made = await notes.add_addendum(uow, user, note_id=note_id, text=body.text, given_by=body.given_by,
                                    key=idempotency_key, if_match=if_match)
    return _made(made, response)


@router.post("/notes/{note_id}/removal", response_model=ArchivedNoteOut,
             summary="Remove a note written on the wrong person (support); it stays in the archive")
async def remove_note(note_id: UUID, body: RemovalIn, uow: UnitOfWorkDep, if_match: IfMatch = None,
                      user: Grant = allow("journal:note.remove")) -> ArchivedNoteOut:
    """Removes a note written on the wrong person from every ordinary view, with a reason, and
    publishes `note.removed`; nothing is deleted: the restricted archive keeps it. Support only.
    `version` must be the current one (409 `version_conflict`); 409 `already_removed`, 404
    `note_not_found`. With If-Match, only the note as read (412 `etag_mismatch`)."""
    shown = await notes.remove_note(uow, user, note_id=note_id, version=body.version, reason=body.reason,
                                    if_match=if_match)
    return ArchivedNoteOut.model_validate_json(shown)


@router.get("/cases/{case_id}/notes", response_model=Page[NoteOut],
            summary="A case's notes with every version, newest first (removed notes left out)")
async def case_notes(case_id: UUID, page: PageDep, uow: UnitOfWorkDep,
                     user: Grant = allow("journal:note.read")) -> Response:
    """The case's notes, newest first, each with every version (struck ones too) and its
    addenda; removed notes are left out. A caseworker reads the cases of their unit, a
    supervisor and support those of every unit; every read is in the access log. 409
    `case_not_known` for a case the journal does not know (or may not show), 410 `case_removed`."""
    found = await notes.case_notes(uow, user, case_id=case_id, limit=page.limit, cursor=page.cursor)
    # The notes as the database wrote them, which is as NoteOut writes them (store.notes._note_json):
    # answered as they are, not parsed into models and written out again.
    return Response(page_json(found.notes, found.next_cursor), media_type="application/json")


@router.get("/notes/{note_id}", response_model=NoteOut, summary="One note with every version",
            responses={200: {"description": "The note", "headers": ETAG}})
async def get_note(note_id: UUID, response: Response, uow: UnitOfWorkDep,
                   user: Grant = allow("journal:note.read")) -> NoteOut:
    """One note with every version and its addenda; the URL a new note's Location names. Who may
    read it as for the case's notes; 404 `note_not_found` also for another unit's note, 410
    `note_removed` for a removed one (support reads it in the archive). Its ETag, sent back in
    If-Match, makes a correction, signature, addendum or removal apply only to what was read."""
    return _tagged(await notes.read_note(uow, user, note_id=note_id), response)


@router.get("/archive/notes/{note_id}", response_model=ArchivedNoteOut,
            summary="The restricted archive (support): any note, removed or not, with every version")
async def archived_note(note_id: UUID, uow: UnitOfWorkDep,
                        user: Grant = allow("journal:archive.read")) -> ArchivedNoteOut:
    """Any note from the restricted archive, removed or not, with every version and who removed
    it and why. Support only; every read is in the access log. 404 `note_not_found`."""
    return ArchivedNoteOut.model_validate_json(await notes.read_archived_note(uow, user, note_id=note_id))


@router.delete("/{path:path}", status_code=405, include_in_schema=False)
async def no_delete(path: str, request: Request) -> None:
    """Nothing in the journal is deleted (rule 1); removal is its own audited action."""
    raise Problem(405, "method_not_allowed", "The journal has no delete",
                  "notes are corrected, never deleted; a note on the wrong person is removed by support"
                  " with POST /notes/{id}/removal", headers={"Allow": _allowed(request)})


def _allowed(request: Request) -> str:
    """The methods the path does answer, for the Allow header of a 405."""
    methods = set()
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path != "/{path:path}" and \
                route.path_regex.match(request.url.path) is not None:
            methods |= route.methods
    return ", ".join(sorted(methods - {"DELETE", "HEAD"})) or "GET, POST"
