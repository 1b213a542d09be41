-- The journal's read model of the registry's cases: which exist and whether they are open.
CREATE TABLE cases (
    case_id   uuid PRIMARY KEY,
    unit      text NOT NULL,
    kind      text NOT NULL,
    status    text NOT NULL CHECK (status IN ('open', 'closed')),
    opened_on date NOT NULL,
    closed_on date
);
