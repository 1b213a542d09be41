-- raise_revision(): the trigger function of every `revision` column (a row's ETag), one for all
-- services. A trigger `BEFORE UPDATE ... FOR EACH ROW EXECUTE FUNCTION raise_revision()` raises
-- the row's revision by one on every change. OR REPLACE: schemas made before this migration
-- already have the same function from their own.
CREATE OR REPLACE FUNCTION raise_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END $$;
