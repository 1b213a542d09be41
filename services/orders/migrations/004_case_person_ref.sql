-- The person reference of case.opened (HMAC of the person's number, shared/pin.py person_ref),
-- so that a citizen's own orders can be found without a personal identity number in orders.
ALTER TABLE cases ADD COLUMN person_ref text;
CREATE INDEX cases_person_ref ON cases (person_ref) WHERE person_ref IS NOT NULL;
