-- A revision per address grant, raised by every change of its row (its revocation): the ETag of
-- GET /address-grants/{id}, sent back in If-Match so that a grant is revoked only as read (412
-- etag_mismatch otherwise). raise_revision() is from 015.
ALTER TABLE address_grants ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER address_grants_revision BEFORE UPDATE ON address_grants
    FOR EACH ROW EXECUTE FUNCTION raise_revision();
