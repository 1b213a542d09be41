"""Reactions to the journal's events: a written note arms the reminder to sign it; signing it (or
removing it) settles that."""
from services.watch.domain.rules import Rule, Subject, Track
from services.watch.usecases import subjects
from shared.consumer import Handler
from shared.events import Envelope
from shared.events.catalog import NoteRemoved, NoteSigned, NoteWritten
from shared.unit_of_work import UnitOfWork


def handlers_for(rules: dict[str, Rule]) -> dict[str, Handler]:
    """The handlers of the journal's events, under the process's configured `rules`."""

    async def on_note_written(uow: UnitOfWork, envelope: Envelope, data: NoteWritten) -> None:
        await subjects.follow_note(uow, rules, data)

    async def on_note_signed(uow: UnitOfWork, envelope: Envelope, data: NoteSigned) -> None:
        await subjects.settle(uow, rules, subject_id=data.note_id, subject=Subject.NOTE, track=Track.SIGNING,
                              resolution=envelope.type, at=data.signed_at)

    async def on_note_removed(uow: UnitOfWork, envelope: Envelope, data: NoteRemoved) -> None:
        # A note removed (written on the wrong person) is no longer anyone's to sign.
        await subjects.settle(uow, rules, subject_id=data.note_id, subject=Subject.NOTE, track=Track.SIGNING,
                              resolution=envelope.type, at=data.removed_at)

    return {"note.written": on_note_written, "note.signed": on_note_signed, "note.removed": on_note_removed}
