-- A revision per investigation, raised by every change of its row (an extension, its
-- completion, by hand or by a decision): the ETag of GET /investigations/{id}, sent back in
-- If-Match so that an extension or a completion applies only to the investigation as read (412
-- etag_mismatch otherwise). raise_revision() is from 015.
ALTER TABLE investigations ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER investigations_revision BEFORE UPDATE ON investigations FOR EACH ROW EXECUTE FUNCTION raise_revision();
