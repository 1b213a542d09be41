-- A case is about a person. NOT VALID: required of every new row, rows from before are left alone.
ALTER TABLE cases ADD CONSTRAINT cases_person_required CHECK (person_id IS NOT NULL) NOT VALID;
ALTER TABLE cases ADD CONSTRAINT cases_person_fk FOREIGN KEY (person_id) REFERENCES persons (id) NOT VALID;
CREATE INDEX cases_person ON cases (person_id);

-- Utredning: started, due within four months, completed (at the latest by the decision).
CREATE TABLE investigations (
    id           uuid PRIMARY KEY,
    case_id      uuid NOT NULL REFERENCES cases (id),
    started_on   date NOT NULL,
    due_on       date NOT NULL,
    started_by   text NOT NULL,
    completed_on date,
    completed_by text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX investigations_case ON investigations (case_id, started_on);
-- At most one ongoing investigation per case.
CREATE UNIQUE INDEX investigations_one_ongoing ON investigations (case_id) WHERE completed_on IS NULL;

-- Beslut, with whether, when and how its basis was communicated first (kommunicering).
CREATE TABLE decisions (
    id                      uuid PRIMARY KEY,
    case_id                 uuid NOT NULL REFERENCES cases (id),
    investigation_id        uuid NOT NULL REFERENCES investigations (id),
    outcome                 text NOT NULL CHECK (outcome IN ('granted', 'partly_granted', 'rejected')),
    intervention            text NOT NULL,
    valid_from              date NOT NULL,
    valid_to                date,
    follow_up_on            date,
    decided_on              date NOT NULL,
    decided_by              text NOT NULL,
    communicated            boolean NOT NULL,
    communicated_on         date,
    communication_method    text,
    not_communicated_reason text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (communicated = (communicated_on IS NOT NULL)),
    CHECK (communicated OR not_communicated_reason IS NOT NULL)
);
CREATE INDEX decisions_case ON decisions (case_id, decided_on);
