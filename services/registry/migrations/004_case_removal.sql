-- Nothing is deleted. Support can remove a case (a soft, reversible state) with a reason;
-- every removal and restoration is kept here as well as published as an event.
ALTER TABLE cases
    ADD COLUMN removed_at     timestamptz,
    ADD COLUMN removed_by     text,
    ADD COLUMN removal_reason text;

CREATE TABLE case_removals (
    seq     bigserial PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases (id),
    action  text NOT NULL CHECK (action IN ('removed', 'restored')),
    reason  text NOT NULL,
    by_whom text NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX case_removals_case ON case_removals (case_id, seq);
