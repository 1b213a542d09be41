-- Closing a case is judged by when it happened, not by when orders learnt of it: the moment of
-- the close is kept; a delivery reported after it is voided (kept, with why), and the case's open
-- orders end.
ALTER TABLE cases ADD COLUMN closed_at timestamptz;
ALTER TABLE deliveries ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
ALTER TABLE orders DROP CONSTRAINT orders_state_check;
ALTER TABLE orders ADD CONSTRAINT orders_state_check CHECK (state IN
    ('draft', 'sent', 'opened', 'confirmed', 'started', 'rejected', 'recalled', 'ended'));
ALTER TABLE orders ADD COLUMN ended_at timestamptz;
