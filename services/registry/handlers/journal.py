"""The registry keeps which journal notes wait for a signature (journal.events), for the
supervisor's overview of the unit."""
from services.registry.usecases import unsigned_notes
from shared.events import Envelope
from shared.events.catalog import NoteCorrected, NoteRemoved, NoteSigned, NoteWritten
from shared.unit_of_work import UnitOfWork


async def on_note_written(uow: UnitOfWork, envelope: Envelope, data: NoteWritten) -> None:
    await unsigned_notes.unsigned(uow, note_id=data.note_id, case_id=data.case_id, author=data.written_by,
                                  version=data.version, since=data.written_at, unit=data.unit)


async def on_note_corrected(uow: UnitOfWork, envelope: Envelope, data: NoteCorrected) -> None:
    # A correction is a new version, to be signed anew by who corrected it.
    await unsigned_notes.unsigned(uow, note_id=data.note_id, case_id=data.case_id, author=data.corrected_by,
                                  version=data.version, since=data.corrected_at)


async def on_note_signed(uow: UnitOfWork, envelope: Envelope, data: NoteSigned) -> None:
    await unsigned_notes.signed(uow, note_id=data.note_id, version=data.version)


async def on_note_removed(uow: UnitOfWork, envelope: Envelope, data: NoteRemoved) -> None:
    await unsigned_notes.removed(uow, data.note_id)


HANDLERS = {"note.written": on_note_written, "note.corrected": on_note_corrected, "note.signed": on_note_signed,
            "note.removed": on_note_removed}
