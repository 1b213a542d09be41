-- Gallring: the one way a note leaves the journal. The registry approves the culling of a person
-- (person.culling_approved); the journal then deletes the person's notes with their versions,
-- signatures and addenda, in one transaction that first inserts the culling here. The database
-- permits such a DELETE only for a note of a case of the person named by a culling row inserted
-- in the same transaction: every other DELETE, every UPDATE and every TRUNCATE is refused as before.
CREATE TABLE cullings (
    culling_id uuid PRIMARY KEY,
    -- whose notes, only while the culling's transaction runs: cleared before it commits
    person_id  uuid,
    person_ref text,
    counts     jsonb,
    culled_at  timestamptz NOT NULL
);

-- The functions below read the journal's own tables whatever the caller's search_path.

-- Whether the row about to go belongs to a person whose culling this transaction inserted.
CREATE FUNCTION journal_culled_in_this_transaction(p_case_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT EXISTS (
        SELECT 1 FROM cullings c JOIN cases k ON k.case_id = p_case_id
         WHERE c.xmin = xid(pg_current_xact_id())
           AND (c.person_id = k.person_id OR c.person_ref = k.person_ref))
$$;

CREATE FUNCTION journal_append_only_but_culling() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
DECLARE
    note_case uuid;
BEGIN
    IF TG_TABLE_NAME = 'notes' THEN
        note_case := OLD.case_id;
    ELSE
        SELECT n.case_id INTO note_case FROM notes n WHERE n.id = OLD.note_id;
    END IF;
    IF note_case IS NOT NULL AND journal_culled_in_this_transaction(note_case) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'journal %: % is not allowed, the journal is append-only', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;

DROP TRIGGER append_only ON note_versions;
DROP TRIGGER append_only ON signatures;
DROP TRIGGER append_only ON addenda;
DROP TRIGGER append_only ON notes;
CREATE TRIGGER append_only BEFORE UPDATE ON note_versions
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only BEFORE UPDATE ON signatures
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only BEFORE UPDATE ON addenda
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER append_only_but_culling BEFORE DELETE ON note_versions
    FOR EACH ROW EXECUTE FUNCTION journal_append_only_but_culling();
CREATE TRIGGER append_only_but_culling BEFORE DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION journal_append_only_but_culling();
CREATE TRIGGER append_only_but_culling BEFORE DELETE ON addenda
    FOR EACH ROW EXECUTE FUNCTION journal_append_only_but_culling();
CREATE TRIGGER append_only_but_culling BEFORE DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION journal_append_only_but_culling();

-- A culling is kept: its row cannot go, and changes once, in its own transaction, when it forgets
-- whose it was and records what it culled.
CREATE FUNCTION journal_culling_kept() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (SELECT c.xmin FROM cullings c WHERE c.culling_id = OLD.culling_id) = xid(pg_current_xact_id())
       AND NEW.person_id IS NULL
       AND NEW.person_ref IS NULL AND (NEW.culling_id, NEW.culled_at) = (OLD.culling_id, OLD.culled_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'journal cullings: % is not allowed, a culling is kept', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER culling_kept BEFORE UPDATE OR DELETE ON cullings
    FOR EACH ROW EXECUTE FUNCTION journal_culling_kept();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON cullings
    FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
