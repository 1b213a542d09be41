-- A culling (gallring) the registry approved is a subject too: its timer raises a watch for
-- support when not every service has confirmed it in time (rule culling_unconfirmed).
ALTER TABLE subjects DROP CONSTRAINT subjects_type_check;
ALTER TABLE subjects ADD CONSTRAINT subjects_type_check
    CHECK (type IN ('order', 'inquiry', 'investigation', 'decision', 'note', 'culling'));

-- The role whose members see and resolve a watch that is no caseworker's nor a unit's (support,
-- for a culling not confirmed); NULL for every other watch.
ALTER TABLE watches ADD COLUMN role text;
CREATE INDEX watches_open_by_role ON watches (role, due_on) WHERE status = 'open' AND role IS NOT NULL;
