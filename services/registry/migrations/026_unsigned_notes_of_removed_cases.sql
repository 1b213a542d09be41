-- The unit overview counts each caseworker's notes left unsigned without reading each note's case:
-- whether the note's case is left out of the usual views (removed, or not known here) is kept on
-- the note's row, set from the case when the row is made and changed with the case's removal and
-- restoration by the trigger below. The count is then an index-only scan of the unit's part of a
-- partial index, not one read of `cases` per unsigned note (thousands in a large unit).
ALTER TABLE unsigned_notes ADD COLUMN case_removed boolean NOT NULL DEFAULT false;
UPDATE unsigned_notes n SET case_removed = true
 WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = n.case_id AND c.removed_at IS NULL);

CREATE FUNCTION unsigned_notes_case_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.case_removed := NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = NEW.case_id AND c.removed_at IS NULL);
    RETURN NEW;
END $$;
CREATE TRIGGER unsigned_notes_take_case_removed
    BEFORE INSERT ON unsigned_notes
    FOR EACH ROW EXECUTE FUNCTION unsigned_notes_case_removed();

CREATE FUNCTION cases_tell_unsigned_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE unsigned_notes SET case_removed = (NEW.removed_at IS NOT NULL) WHERE case_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_tell_unsigned_notes
    AFTER UPDATE OF removed_at ON cases
    FOR EACH ROW WHEN ((OLD.removed_at IS NULL) IS DISTINCT FROM (NEW.removed_at IS NULL))
    EXECUTE FUNCTION cases_tell_unsigned_notes();

DROP INDEX unsigned_notes_overview;
CREATE INDEX unsigned_notes_overview ON unsigned_notes (unit, author, unsigned_since) WHERE NOT case_removed;
