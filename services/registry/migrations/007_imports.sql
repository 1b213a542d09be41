-- Import from an old system: a case keeps the old system's reference, so importing the same
-- file twice refuses the rows already in; each import's report is kept.
ALTER TABLE cases ADD COLUMN import_ref text UNIQUE;

CREATE TABLE imports (
    id          uuid PRIMARY KEY,
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL,
    rows        integer NOT NULL,
    imported    integer NOT NULL,
    refused     integer NOT NULL,
    report      jsonb NOT NULL
);
