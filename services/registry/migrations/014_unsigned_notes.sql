-- The journal's notes not yet signed, kept from journal.events, for the supervisor's overview
-- of the unit (unsigned notes older than domain.worklists.UNSIGNED_NOTE_DAYS, per author).
-- A row leaves when its latest version is signed or the note is removed.
CREATE TABLE unsigned_notes (
    note_id        uuid PRIMARY KEY,
    case_id        uuid NOT NULL,
    unit           text NOT NULL,          -- the case's unit
    author         text NOT NULL,          -- who wrote (or last corrected) it, and is to sign it
    version        int NOT NULL,
    unsigned_since timestamptz NOT NULL
);
-- The overview counts per author in a unit, in author order.
CREATE INDEX unsigned_notes_overview ON unsigned_notes (unit, author, unsigned_since);
