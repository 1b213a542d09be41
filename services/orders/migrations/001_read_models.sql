-- Orders' read models of the registry's cases and decisions, kept from registry.events.
-- No foreign key between them: a case's and a decision's events may arrive in either order.
CREATE TABLE cases (
    case_id    uuid PRIMARY KEY,
    unit       text NOT NULL,
    kind       text NOT NULL,
    person_id  uuid,
    status     text NOT NULL CHECK (status IN ('open', 'closed')),
    opened_on  date NOT NULL,
    closed_on  date,
    removed_at timestamptz
);

CREATE TABLE decisions (
    decision_id  uuid PRIMARY KEY,
    case_id      uuid NOT NULL,
    unit         text NOT NULL,
    person_id    uuid,
    intervention text NOT NULL,
    outcome      text NOT NULL,
    valid_from   date NOT NULL,
    valid_to     date,                 -- NULL: until further notice
    follow_up_on date,
    decided_on   date NOT NULL,
    decided_by   text NOT NULL
);
CREATE INDEX decisions_case ON decisions (case_id);
