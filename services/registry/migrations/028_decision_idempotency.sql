-- An Idempotency-Key on making a decision: a client whose request was cut off sends it again with
-- the same key and gets the decision the first one made, never a second decision on the same
-- investigation (several decisions may rest on one investigation, so nothing else can tell a retry
-- from a new decision). The key is the maker's own, with a digest of the request to refuse the
-- same key for another request. Culled with the case.
ALTER TABLE decisions ADD COLUMN idempotency_key text;
ALTER TABLE decisions ADD COLUMN request_hash text;
CREATE UNIQUE INDEX decisions_idempotency_key ON decisions (decided_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
