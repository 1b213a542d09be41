-- The relay's wake-up names the types of the events the statement wrote (comma-separated, each
-- once), so that a relay may hold back the wake-up of events that can wait (shared/outbox.py);
-- a statement that wrote no event wakes no one. Replaces 001's function and trigger.
CREATE OR REPLACE FUNCTION outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    types text := (SELECT string_agg(DISTINCT type, ',') FROM written);
BEGIN
    IF types IS NOT NULL THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', types);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER outbox_wake ON outbox;
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake();
