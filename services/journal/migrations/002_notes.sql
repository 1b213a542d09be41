-- The read model learns whose case it is (so reads are logged against the person) and
-- whether the registry has removed it (a soft state that can be undone).
ALTER TABLE cases ADD COLUMN person_id uuid, ADD COLUMN removed_at timestamptz;

-- Journal notes (journalanteckningar). Append-only: what a note says lives in
-- note_versions, which are only ever inserted. A note row changes once at most: when
-- support removes a note written on the wrong person; its versions stay, for the archive.
CREATE TABLE notes (
    id              uuid PRIMARY KEY,                  -- UUIDv7, so ordered by creation
    case_id         uuid NOT NULL REFERENCES cases (case_id),
    author          text NOT NULL,
    created_at      timestamptz NOT NULL,
    idempotency_key text NOT NULL,
    request_hash    text NOT NULL,                     -- of the canonical create request
    removed_at      timestamptz,
    removed_by      text,
    removal_reason  text,
    -- Keys are per author: one person's retry can never answer with another person's note.
    UNIQUE (author, idempotency_key),
    CHECK (num_nulls(removed_at, removed_by, removal_reason) IN (0, 3))
);
CREATE INDEX notes_by_case ON notes (case_id, id DESC) WHERE removed_at IS NULL;

-- A version is struck when a later one exists; that is derived, never stored.
CREATE TABLE note_versions (
    note_id     uuid NOT NULL REFERENCES notes (id),
    version     int NOT NULL CHECK (version >= 1),
    text        text NOT NULL,
    occurred_on date NOT NULL,
    written_by  text NOT NULL,
    written_at  timestamptz NOT NULL,
    reason      text,                                  -- why the previous version was corrected
    PRIMARY KEY (note_id, version),
    CHECK ((version = 1) = (reason IS NULL))
);

CREATE TABLE signatures (
    note_id   uuid NOT NULL,
    version   int NOT NULL,
    signed_by text NOT NULL,
    signed_at timestamptz NOT NULL,
    PRIMARY KEY (note_id, version),
    FOREIGN KEY (note_id, version) REFERENCES note_versions (note_id, version)
);

-- Tillägg: shown with the note, never changing it.
CREATE TABLE addenda (
    id              uuid PRIMARY KEY,
    note_id         uuid NOT NULL REFERENCES notes (id),
    text            text NOT NULL,
    given_by        text,                              -- whose view it records, e.g. the person
    written_by      text NOT NULL,
    written_at      timestamptz NOT NULL,
    idempotency_key text NOT NULL,
    request_hash    text NOT NULL,
    UNIQUE (written_by, idempotency_key)
);
CREATE INDEX addenda_by_note ON addenda (note_id, id);

-- The database refuses what the code never does, so no later bug or hand-written SQL can
-- lose a note: versions, signatures and addenda cannot change or go, a note row cannot be
-- deleted and can only gain its removal, once.
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal %: % is not allowed, the journal is append-only', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON note_versions
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON addenda
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only BEFORE DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only_but_removal BEFORE UPDATE ON notes
    FOR EACH ROW
    WHEN (OLD.removed_at IS NOT NULL
          OR (OLD.id, OLD.case_id, OLD.author, OLD.created_at, OLD.idempotency_key, OLD.request_hash)
             IS DISTINCT FROM
             (NEW.id, NEW.case_id, NEW.author, NEW.created_at, NEW.idempotency_key, NEW.request_hash))
    EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON notes
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON note_versions
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON signatures
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON addenda
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
