-- A revision per decision, raised by every change of its row (approval, refusal, the delegation
-- check): the ETag of GET /decisions/{id}, sent back in If-Match to approve or refuse exactly the
-- decision as read (412 etag_mismatch otherwise). raise_revision() is from 015.
ALTER TABLE decisions ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER decisions_revision BEFORE UPDATE ON decisions FOR EACH ROW EXECUTE FUNCTION raise_revision();
