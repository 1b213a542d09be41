-- The journal's notes not yet signed, kept from journal.events, for the supervisor's overview
-- of the unit (unsigned notes older than domain.worklists.UNSIGNED_NOTE_DAYS, per author).
-- A row leaves when its latest version is signed or the note is removed.
CREATE TABLE unsigned_notes (
    note_id        uuid PRIMARY KEY,
    case_id        uuid NOT NULL,
    author         text NOT NULL,          -- who wrote (or last corrected) it, and is to sign it
    version        int NOT NULL,
    unsigned_since timestamptz NOT NULL
);
CREATE INDEX unsigned_notes_case ON unsigned_notes (case_id, unsigned_since);
