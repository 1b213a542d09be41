-- A decision above its maker's delegation waits for approval: it is not reported to IVO and arms
-- nothing until approved (decision.approved), and never when refused. NULL: in force (older rows).
ALTER TABLE decisions ADD COLUMN status text;
