-- An Idempotency-Key on opening a case: a client whose request was cut off sends it again with
-- the same key and gets the case the first one opened, never a second case. The key is the
-- opener's own (unique per opener), with a digest of the request to refuse the same key for
-- another request. Culled with the case.
ALTER TABLE cases ADD COLUMN idempotency_key text;
ALTER TABLE cases ADD COLUMN request_hash text;
CREATE UNIQUE INDEX cases_idempotency_key ON cases (opened_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
