-- The staff directory (personalkatalog), covers during absence (ersättare) and decisions above
-- their maker's delegation (delegationsordning), waiting for approval.

-- One row per member of staff, keyed by the subject (`sub`) of their tokens. The directory
-- names people beside the subject; tokens still decide what anyone may do.
CREATE TABLE staff (
    subject          text PRIMARY KEY,
    name             text NOT NULL,
    title            text,
    unit             text NOT NULL,
    email            text,
    supervisor       text REFERENCES staff (subject),   -- known before it is named
    delegation_level text NOT NULL CHECK (delegation_level IN ('caseworker', 'supervisor', 'committee')),
    active_from      date NOT NULL,
    active_to        date,
    changed_by       text NOT NULL,
    changed_at       timestamptz NOT NULL,
    CHECK (active_to IS NULL OR active_to >= active_from),
    CHECK (supervisor IS NULL OR supervisor <> subject)
);
CREATE INDEX staff_unit ON staff (unit, subject);

-- A cover: `cover` stands in for `absent` from from_date to to_date (Swedish dates, both
-- included), unless ended earlier: from ended_on on it no longer holds.
CREATE TABLE covers (
    id          uuid PRIMARY KEY,
    unit        text NOT NULL,
    absent      text NOT NULL REFERENCES staff (subject),
    cover       text NOT NULL REFERENCES staff (subject),
    from_date   date NOT NULL,
    to_date     date NOT NULL,
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL,
    ended_on    date,
    ended_by    text,
    ended_at    timestamptz,
    CHECK (to_date >= from_date),
    CHECK (absent <> cover)
);
CREATE INDEX covers_unit ON covers (unit, from_date, id);

-- A decision above its maker's delegation waits for approval by someone whose level meets the
-- required one; refused, it never comes into force. Decisions from before are in force.
ALTER TABLE decisions
    ADD COLUMN status         text NOT NULL DEFAULT 'in_force'
                              CHECK (status IN ('in_force', 'awaiting_approval', 'refused')),
    ADD COLUMN required_level text NOT NULL DEFAULT 'caseworker'
                              CHECK (required_level IN ('caseworker', 'supervisor', 'committee')),
    ADD COLUMN approved_by    text,
    ADD COLUMN approved_at    timestamptz,
    ADD COLUMN refused_by     text,
    ADD COLUMN refused_at     timestamptz,
    ADD COLUMN refusal_reason text;
