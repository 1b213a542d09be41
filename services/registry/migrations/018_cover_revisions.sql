-- A revision per cover, raised by every change of its row (its early end): the ETag of
-- GET /covers/{id}, sent back in If-Match so that a cover is ended only as read (412
-- etag_mismatch otherwise). raise_revision() is from 015.
ALTER TABLE covers ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER covers_revision BEFORE UPDATE ON covers FOR EACH ROW EXECUTE FUNCTION raise_revision();
