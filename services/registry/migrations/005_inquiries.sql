-- Aktualisering: an application, a report of concern or other information, about a person.
-- A report of concern about a child gets an initial assessment (förhandsbedömning) within 14 days.
CREATE TABLE inquiries (
    id                 uuid PRIMARY KEY,
    person_id          uuid NOT NULL REFERENCES persons (id),
    unit               text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('application', 'report_of_concern', 'other_information')),
    received_on        date NOT NULL,
    summary            text,
    recorded_by        text NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    assessment_due_on  date,                 -- null when no initial assessment is needed
    assessed_on        date,
    assessment_outcome text CHECK (assessment_outcome IN ('open_investigation', 'no_investigation')),
    assessment_reasons text,
    assessed_by        text,
    investigation_id   uuid                  -- the investigation the inquiry led to
);
CREATE INDEX inquiries_person ON inquiries (person_id, received_on);

ALTER TABLE investigations ADD COLUMN inquiry_id uuid REFERENCES inquiries (id);
ALTER TABLE inquiries ADD CONSTRAINT inquiries_investigation_fk FOREIGN KEY (investigation_id) REFERENCES investigations (id);
