-- The report to IVO: per decision the law and IVO's category of its intervention, the person's
-- gender and year of birth, the carrying out's interruption and resumption, and the reasons for
-- the delay (as codes).
ALTER TABLE decisions
    ADD COLUMN law            text,
    ADD COLUMN ivo_category   text,
    ADD COLUMN gender         text,
    ADD COLUMN birth_year     integer,
    ADD COLUMN interrupted_on date,             -- the latest interruption still running, or resumed
    ADD COLUMN resumed_on     date,             -- when that interruption ended
    ADD COLUMN delay_reasons  jsonb NOT NULL DEFAULT '[]';

-- A deadline that moves (an extension) drops its subject's pending timers.
CREATE INDEX timers_subject ON timers (subject_id);
