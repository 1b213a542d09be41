-- A revision per watch, raised by every change of its row (a rule firing again, a due date moved,
-- a reassignment, a resolution): the ETag of GET /watches/{id} and of each watch of the list, sent
-- back in If-Match so that a watch is resolved only as it was read (412 etag_mismatch otherwise).
-- Adding a column with a constant default rewrites nothing.
-- The trigger function raise_revision() is the shared one (shared/migrations/002).
ALTER TABLE watches ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER watches_revision BEFORE UPDATE ON watches FOR EACH ROW EXECUTE FUNCTION raise_revision();
