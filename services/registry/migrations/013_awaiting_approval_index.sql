-- The supervisor's overview counts the decisions waiting for approval per caseworker: few rows.
CREATE INDEX decisions_awaiting_approval ON decisions (case_id) WHERE status = 'awaiting_approval';
