-- A revision per case and per inquiry, raised by every change of its row: the ETag a client
-- reads and sends back in If-Match, so that a close, a removal or a hand-over applies only to
-- the case as read (412 etag_mismatch otherwise). Adding a column with a constant default
-- rewrites nothing, however many rows there are.
-- The trigger function raise_revision() is the shared one (shared/migrations/002).
ALTER TABLE cases ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER cases_revision BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION raise_revision();

ALTER TABLE inquiries ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER inquiries_revision BEFORE UPDATE ON inquiries FOR EACH ROW EXECUTE FUNCTION raise_revision();
