-- A revision per staff directory entry, raised by every change: the ETag of GET /staff/{subject},
-- sent back in If-Match so that two administrators (or a sync and a person) do not overwrite each
-- other's change unseen. raise_revision() is from 015.
ALTER TABLE staff ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER staff_revision BEFORE UPDATE ON staff FOR EACH ROW EXECUTE FUNCTION raise_revision();
