-- A decision above its maker's delegation waits for approval in the registry (decision.made with
-- status awaiting_approval, then decision.approved or decision.refused); only one in force is
-- ordered. Decisions known from before carried no status: they are in force.
ALTER TABLE decisions
    ADD COLUMN status text NOT NULL DEFAULT 'in_force'
                      CHECK (status IN ('in_force', 'awaiting_approval', 'refused'));
