-- A revision per provider, raised by every change of its row (today, each issue of a webhook
-- secret): the ETag of GET /providers/{id}, sent back in If-Match so that two administrators do
-- not rotate the secret over each other unseen (412 etag_mismatch otherwise). Adding a column
-- with a constant default rewrites nothing.
-- The trigger function raise_revision() is the shared one (shared/migrations/002).
ALTER TABLE providers ADD COLUMN revision bigint NOT NULL DEFAULT 1;
CREATE TRIGGER providers_revision BEFORE UPDATE ON providers FOR EACH ROW EXECUTE FUNCTION raise_revision();
