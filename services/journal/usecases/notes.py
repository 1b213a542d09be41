"""What the journal does with notes: write, correct, sign, add to, remove (support), read.

Each use case does its work in one unit of work: the case and access checks, the rules of
domain.notes, the SQL of store.notes, the events to publish and the reads to log. A note is
answered as the JSON text the store builds in one query (every version, struck or not, the
signatures, the addenda, the removal), which the API parses once into its answer.
"""
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg
from uuid_utils.compat import uuid7

from services.journal.domain import notes as domain
from services.journal.domain.access import Action, ensure_may_sign
from services.journal.domain.notes import NoteHead, Source
from services.journal.store import cases as case_store
from services.journal.store import notes as store
from shared import errors, idempotency, pagination
from shared.access import Grant
from shared.case_state import not_known
from shared.etag import ensure_current, etag_of_json
from shared.events.catalog import NoteAddended, NoteCorrected, NoteRemoved, NoteSigned, NoteWritten
from shared.outbox import Pending
from shared.pin import InvalidPersonalIdentityNumber, parse_pin, person_ref
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Made:
    """A note after a request that may repeat an earlier one: `created` when this request made
    something (a note, a signature, an addendum), not when it found what an earlier one made."""
    note: str
    created: bool


@dataclass(frozen=True)
class NotesPage:
    notes: str                  # JSON text: a list of notes, newest first
    next_cursor: str | None


async def write_note(uow: UnitOfWork, user: Grant, *, case_id: UUID, occurred_on: date, text: str,
                     source: Source | None, withheld_text: str | None = None, withheld_reason: str | None = None,
                     key: str) -> Made:
    """A new note on the case, stating the source of its information, with perhaps a part not
    shown to the person; a retry with the same Idempotency-Key answers the note it made."""
    withheld = domain.withheld_part(withheld_text, withheld_reason)
    request = idempotency.fingerprint({"case_id": case_id, "occurred_on": occurred_on, "text": text,
                                       **_if_given(source=source, withheld_text=withheld_text,
                                                   withheld_reason=withheld_reason)})
    # One write, the note with its first version and `note.written` in one statement: no transaction.
    async with uow.single_write():
        case, earlier, author = await store.write_context(uow.conn, case_id=case_id, author=user.sub,
                                                          idempotency_key=key)
        if earlier is None:
            if case is not None:  # another unit's case answers as one not known: nothing more is told
                uow.ensure_unit(user, case.unit, resource=f"case/{case_id}/notes", person_id=case.person_id,
                                action="write", hidden=not_known(case_id))
            case = domain.ensure_case_accepts(case, case_id, Action.WRITE)
            now, note_id = uow.now(), uuid7()
            first = domain.first_version(text=text, occurred_on=occurred_on, by=user.sub, at=now, today=uow.today(),
                                         source=source, withheld=withheld)
            written = NoteWritten(note_id=note_id, case_id=case_id, person_id=case.person_id, version=1,
                                  occurred_on=first.occurred_on, written_by=user.sub, written_at=now,
                                  source=first.source, unit=case.unit)
            try:
                inserted = await store.insert_note(uow.conn, note_id=note_id, case_id=case_id, created_at=now,
                                                   idempotency_key=key, request_hash=request, first=first,
                                                   outbox=uow.outbox,
                                                   events=[Pending(written, str(case_id), f"note/{note_id}")])
            except asyncpg.ForeignKeyViolationError:  # the case was culled (gallrat) since it was read
                raise not_known(case_id) from None
            if inserted:
                return Made(store.new_note(note_id, case_id, first, author), created=True)
            # A concurrent request with the same key committed first.
            earlier = await store.note_by_key(uow.conn, user.sub, key)
        idempotency.ensure_same_request(earlier.fingerprint, request)
        domain.ensure_not_removed(earlier.removed)
        return Made(await store.full_note(uow.conn, earlier.id), created=False)


async def correct_note(uow: UnitOfWork, user: Grant, *, note_id: UUID, based_on_version: int, text: str | None,
                       occurred_on: date | None, reason: str, if_match: str | None = None) -> str:
    """A new version of the note; the one it corrects stays, struck through. With `if_match`,
    only the note as read (412 etag_mismatch after any change since)."""
    async with uow:
        note = await _note_to_act_on(uow, note_id, Action.CORRECT, user)
        await _ensure_as_read(uow, note_id, if_match)
        now = uow.now()
        version, changed = domain.correct(await store.current_version(uow.conn, note_id),
                                          based_on=based_on_version, text=text, occurred_on=occurred_on,
                                          reason=reason, by=user.sub, at=now, today=uow.today())
        await store.insert_version(uow.conn, note_id, version)
        uow.publish(NoteCorrected(note_id=note_id, case_id=note.case_id, person_id=note.case.person_id,
                                  version=version.version, based_on_version=based_on_version, changed=changed,
                                  occurred_on=version.occurred_on, corrected_by=user.sub, corrected_at=now),
                    key=str(note.case_id), subject=f"note/{note_id}")
        # The answer is the whole note, every version: a read of the person's data.
        uow.log_read(user, resource=f"note/{note_id}", person_id=note.case.person_id, action="correct")
        return await store.full_note(uow.conn, note_id)


async def sign_note(uow: UnitOfWork, user: Grant, *, note_id: UUID, version: int,
                    if_match: str | None = None) -> Made:
    """The current version signed; signing it again changes nothing. With `if_match`, only the
    note as read: what is signed is what the signer saw."""
    async with uow:
        note = await _note_to_act_on(uow, note_id, Action.SIGN, user)
        await _ensure_as_read(uow, note_id, if_match)
        current = await store.current_version(uow.conn, note_id)
        domain.ensure_current(version, current.version)
        ensure_may_sign(user, current.written_by)
        now = uow.now()
        signed = await store.insert_signature(uow.conn, note_id=note_id, version=current.version,
                                              signed_by=user.sub, signed_at=now)
        # The answer is the whole note: a read of the person's data, whoever signs.
        uow.log_read(user, resource=f"note/{note_id}", person_id=note.case.person_id, action="sign")
        if signed:
            uow.publish(NoteSigned(note_id=note_id, case_id=note.case_id, person_id=note.case.person_id,
                                   version=current.version, signed_by=user.sub, signed_at=now),
                        key=str(note.case_id), subject=f"note/{note_id}")
        return Made(await store.full_note(uow.conn, note_id), created=signed)


async def add_addendum(uow: UnitOfWork, user: Grant, *, note_id: UUID, text: str, given_by: str | None,
                       key: str, if_match: str | None = None) -> Made:
    """An addendum shown with the note, which it does not change; a retry with the same
    Idempotency-Key makes no second one. With `if_match`, only to the note as read (a retry is
    answered as before, whatever changed)."""
    request = idempotency.fingerprint({"note_id": note_id, "text": text, "given_by": given_by})
    async with uow:
        note = await _note_to_act_on(uow, note_id, Action.ADDEND, user)
        earlier = await store.addendum_fingerprint(uow.conn, user.sub, key)
        created = False
        if earlier is None:
            await _ensure_as_read(uow, note_id, if_match)
            now, addendum_id = uow.now(), uuid7()
            created = await store.insert_addendum(uow.conn, addendum_id=addendum_id, note_id=note_id, text=text,
                                                  given_by=given_by, written_by=user.sub, written_at=now,
                                                  idempotency_key=key, request_hash=request)
            if created:
                uow.publish(NoteAddended(note_id=note_id, case_id=note.case_id, person_id=note.case.person_id,
                                         addendum_id=addendum_id, written_by=user.sub, written_at=now),
                            key=str(note.case_id), subject=f"note/{note_id}")
            else:  # a concurrent request with the same key committed first
                earlier = await store.addendum_fingerprint(uow.conn, user.sub, key)
        if earlier is not None:
            idempotency.ensure_same_request(earlier, request)
        uow.log_read(user, resource=f"note/{note_id}", person_id=note.case.person_id, action="addend")
        return Made(await store.full_note(uow.conn, note_id), created=created)


async def remove_note(uow: UnitOfWork, user: Grant, *, note_id: UUID, version: int, reason: str,
                      if_match: str | None = None) -> str:
    """A note written on the wrong person leaves the ordinary views (support); the archive keeps it.
    With `if_match`, only the note as read."""
    async with uow:
        note = await _note_to_act_on(uow, note_id, Action.REMOVE, user)
        if not note.removed:
            await _ensure_as_read(uow, note_id, if_match)
        current = await store.current_version(uow.conn, note_id)
        domain.ensure_removable(removed=note.removed, based_on=version, current=current.version)
        now = uow.now()
        await store.mark_removed(uow.conn, note_id, removed_by=user.sub, reason=reason, removed_at=now)
        uow.publish(NoteRemoved(note_id=note_id, case_id=note.case_id, person_id=note.case.person_id,
                                version=current.version, removed_by=user.sub, removed_at=now),
                    key=str(note.case_id), subject=f"note/{note_id}")
        # The removal is also in the access audit, where a person's log is reviewed.
        uow.log_read(user, resource=f"note/{note_id}", person_id=note.case.person_id, action="remove")
        return await store.full_note(uow.conn, note_id)


async def case_notes(uow: UnitOfWork, user: Grant, *, case_id: UUID, limit: int, cursor: str | None) -> NotesPage:
    """A page of the case's notes that are not removed, newest first."""
    after = pagination.decode_cursor(cursor, UUID)
    resource = f"case/{case_id}/notes"
    async with uow.reading():
        # The read is logged in its own statement when it will be shown (the same checks as below).
        page = await store.case_notes(uow.conn, case_id, after=after[0] if after else None, limit=limit,
                                      outbox=uow.outbox, access=uow.read_of(user, resource=resource),
                                      unit=user.unit_filter())
        if page.case is not None:
            uow.ensure_unit(user, page.case.unit, resource=resource, person_id=page.case.person_id,
                            hidden=not_known(case_id))
        case = domain.ensure_case_accepts(page.case, case_id, Action.READ)
        if not page.logged:
            uow.log_read(user, resource=resource, person_id=case.person_id)
    return NotesPage(page.notes, pagination.encode_cursor(page.last_id) if page.last_id else None)


async def read_note(uow: UnitOfWork, user: Grant, *, note_id: UUID) -> str:
    """One note that is not removed, with every version."""
    async with uow.reading():
        note = _found(await store.get_note(uow.conn, note_id), note_id)
        _ensure_may_act(uow, note, Action.READ, user)
        shown = await store.full_note(uow.conn, note_id)
        uow.log_read(user, resource=f"note/{note_id}", person_id=note.case.person_id)
        return shown


async def read_archived_note(uow: UnitOfWork, user: Grant, *, note_id: UUID) -> str:
    """Any note, removed or not, from the restricted archive (support)."""
    async with uow:
        note = _found(await store.get_note(uow.conn, note_id), note_id)
        shown = await store.full_note(uow.conn, note_id)
        uow.log_read(user, resource=f"archive/note/{note_id}", person_id=note.case.person_id,
                     action="read_archive")
        return shown


# --- the person's own notes (mina journalanteckningar) ----------------------------------------

@dataclass(frozen=True)
class MyNotesPage:
    notes: list[str]            # JSON text of each note, newest first
    next_cursor: str | None


async def my_notes(uow: UnitOfWork, user: Grant, *, limit: int, cursor: str | None) -> MyNotesPage:
    """A citizen's own signed notes, newest first: the current version of each note in their
    cases, matched by person_ref, without the part withheld from them."""
    ref = _own_ref(uow, user)
    after = pagination.decode_cursor(cursor, UUID)
    async with uow.reading():
        found = await store.my_notes(uow.conn, ref, after=after[0] if after else None, limit=limit + 1)
        shown = found[:limit]
        # One entry per person the page shows: the citizen, also when the page is empty.
        persons = [n.person_id for n in shown] or [await case_store.person_of_ref(uow.conn, ref)]
        uow.log_read(user, resource="me/notes", person_ids=persons)
    next_cursor = pagination.encode_cursor(shown[-1].id) if len(found) > limit else None
    return MyNotesPage([n.note for n in shown], next_cursor)


async def my_note(uow: UnitOfWork, user: Grant, *, note_id: UUID) -> str:
    """One of the citizen's own signed notes; any other is answered as not found."""
    ref = _own_ref(uow, user)
    async with uow.reading():
        note = _own(await store.my_note(uow.conn, ref, note_id), note_id)
        uow.log_read(user, resource=f"me/notes/{note_id}", person_id=note.person_id)
        return note.note


async def add_my_addendum(uow: UnitOfWork, user: Grant, *, note_id: UUID, text: str, key: str) -> Made:
    """The person's own comment beside one of their signed notes, which it does not change;
    caseworkers see it with the note. A retry with the same Idempotency-Key makes no second one."""
    ref = _own_ref(uow, user)
    request = idempotency.fingerprint({"note_id": note_id, "text": text, "author_kind": "person"})
    async with uow:
        head = await store.get_note(uow.conn, note_id, for_update=True)  # addenda to one note take turns
        note = _own(await store.my_note(uow.conn, ref, note_id) if head is not None else None, note_id)
        earlier = await store.addendum_fingerprint(uow.conn, user.sub, key)
        created = False
        if earlier is None:
            now, addendum_id = uow.now(), uuid7()
            created = await store.insert_addendum(uow.conn, addendum_id=addendum_id, note_id=note_id, text=text,
                                                  given_by=None, written_by=user.sub, written_at=now,
                                                  idempotency_key=key, request_hash=request, author_kind="person")
            if created:
                uow.publish(NoteAddended(note_id=note_id, case_id=head.case_id, person_id=head.case.person_id,
                                         addendum_id=addendum_id, written_by=user.sub, written_at=now),
                            key=str(head.case_id), subject=f"note/{note_id}")
            else:  # a concurrent request with the same key committed first
                earlier = await store.addendum_fingerprint(uow.conn, user.sub, key)
        if earlier is not None:
            idempotency.ensure_same_request(earlier, request)
        uow.log_read(user, resource=f"me/notes/{note_id}", person_id=note.person_id, action="addend")
        return Made((await store.my_note(uow.conn, ref, note_id)).note, created=created)


def _own_ref(uow: UnitOfWork, user: Grant) -> str:
    """The person reference of the citizen's own number (shared/pin.py person_ref), as case.opened
    carries it: the journal holds no personal identity numbers."""
    if not user.pin:
        raise errors.forbidden("no_identity", "Your token names no personal identity number",
                               "a citizen's token carries the claim `pin`")
    try:
        number = parse_pin(user.pin, today=uow.today())
    except InvalidPersonalIdentityNumber as exc:
        raise errors.invalid(exc.code, "Invalid personal identity number",
                             f"the personal identity number {exc}") from exc
    return person_ref(number.normalized, uow.settings.person_ref_key)


def _own(note: store.MyNote | None, note_id: UUID) -> store.MyNote:
    # Another person's note, an unsigned one and a removed one answer alike: nothing is told.
    if note is None:
        raise errors.not_found("note_not_found", "No such note", str(note_id))
    return note


def _if_given(**fields) -> dict:
    """The fields that were given: a request made before they existed keeps its fingerprint."""
    return {name: value for name, value in fields.items() if value is not None}


async def _ensure_as_read(uow: UnitOfWork, note_id: UUID, if_match: str | None) -> None:
    """412 etag_mismatch when `if_match` names another state of the note than its current one
    (the note is locked by now, so nothing changes it between this check and the write)."""
    if if_match is not None:
        ensure_current(if_match, etag_of_json(await store.full_note(uow.conn, note_id)))


async def _note_to_act_on(uow: UnitOfWork, note_id: UUID, action: Action, user: Grant) -> NoteHead:
    """The note, locked, so that corrections, signing, addenda and removal of one note take turns."""
    note = _found(await store.get_note(uow.conn, note_id, for_update=True), note_id)
    if action is not Action.REMOVE:  # support removes notes on the wrong person, wherever they are
        _ensure_may_act(uow, note, action, user)
    return note


def _found(note: NoteHead | None, note_id: UUID) -> NoteHead:
    if note is None:
        raise errors.not_found("note_not_found", "No such note", str(note_id))
    return note


def _ensure_may_act(uow: UnitOfWork, note: NoteHead, action: Action, user: Grant) -> None:
    # The unit first: another unit's note answers as one that does not exist, removed or not.
    uow.ensure_unit(user, note.case.unit, resource=f"note/{note.id}", person_id=note.case.person_id,
                    action=str(action), hidden=errors.not_found("note_not_found", "No such note", str(note.id)))
    domain.ensure_not_removed(note.removed)
    domain.ensure_case_accepts(note.case, note.case_id, action)
