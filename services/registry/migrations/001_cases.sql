CREATE TABLE cases (
    id           uuid PRIMARY KEY,
    unit         text NOT NULL,
    kind         text NOT NULL,
    person_id    uuid,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_on    date NOT NULL,
    opened_by    text NOT NULL,
    closed_on    date,
    closed_by    text,
    close_reason text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_unit ON cases (unit);
