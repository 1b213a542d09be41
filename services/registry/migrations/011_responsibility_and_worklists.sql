-- Ansvarig handläggare: every case and every inquiry has a responsible caseworker (a token
-- subject). Cases from before are the opener's, inquiries the recorder's.
ALTER TABLE cases ADD COLUMN caseworker text;
UPDATE cases SET caseworker = opened_by;
ALTER TABLE cases ALTER COLUMN caseworker SET NOT NULL;

ALTER TABLE inquiries ADD COLUMN caseworker text;
UPDATE inquiries SET caseworker = recorded_by;
ALTER TABLE inquiries ALTER COLUMN caseworker SET NOT NULL;

-- Every handing over of a case or an inquiry, with why (the reason is not on the bus).
CREATE TABLE reassignments (
    id                  uuid PRIMARY KEY,
    subject_type        text NOT NULL CHECK (subject_type IN ('case', 'inquiry')),
    subject_id          uuid NOT NULL,
    previous_caseworker text,
    caseworker          text NOT NULL,
    reason              text NOT NULL,
    reassigned_by       text NOT NULL,
    reassigned_at       timestamptz NOT NULL
);
CREATE INDEX reassignments_subject ON reassignments (subject_id, reassigned_at, id);

-- The ongoing investigation of a case and its due date, on the case itself, so that a worklist
-- ordered by the deadline at risk is read from one index. Kept by the trigger below whatever
-- starts, extends or completes an investigation (at most one is ongoing: investigations_one_ongoing).
ALTER TABLE cases
    ADD COLUMN ongoing_investigation_id uuid,
    ADD COLUMN ongoing_due_on           date;
UPDATE cases c SET ongoing_investigation_id = i.id, ongoing_due_on = i.due_on
  FROM investigations i WHERE i.case_id = c.id AND i.completed_on IS NULL;

CREATE FUNCTION cases_keep_ongoing_investigation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases c SET ongoing_investigation_id = o.id, ongoing_due_on = o.due_on
      FROM (SELECT NEW.case_id AS case_id) k
      LEFT JOIN investigations o ON o.case_id = k.case_id AND o.completed_on IS NULL
     WHERE c.id = k.case_id;
    RETURN NULL;
END $$;
CREATE TRIGGER investigations_keep_case_deadline
    AFTER INSERT OR UPDATE OF due_on, completed_on ON investigations
    FOR EACH ROW EXECUTE FUNCTION cases_keep_ongoing_investigation();

-- The worklists (services/registry/store/worklists.py). Open cases in the order of the deadline
-- at risk: the ongoing investigation's due date, none last (as infinity),
-- then opened_on, id.
CREATE INDEX cases_worklist_unit ON cases (unit, (COALESCE(ongoing_due_on, DATE 'infinity')), opened_on, id)
    WHERE status = 'open' AND removed_at IS NULL;
-- A caseworker's own open cases, and the unit's caseload per caseworker.
CREATE INDEX cases_worklist_caseworker
    ON cases (unit, caseworker, (COALESCE(ongoing_due_on, DATE 'infinity')), opened_on, id)
    INCLUDE (ongoing_due_on)
    WHERE status = 'open' AND removed_at IS NULL;
-- The intake queue: inquiries not assessed and not led to an investigation; reports about a
-- child (with an assessment due date) first by that date, then the others oldest first.
CREATE INDEX inquiries_intake
    ON inquiries (unit, (assessment_due_on IS NULL), (COALESCE(assessment_due_on, received_on)), id)
    WHERE assessed_on IS NULL AND investigation_id IS NULL;
-- Open inquiries per caseworker, with their deadlines (the unit overview).
CREATE INDEX inquiries_open_by_caseworker
    ON inquiries (unit, caseworker) INCLUDE (assessment_due_on, protection_due_on, protection_assessed_at)
    WHERE assessed_on IS NULL AND investigation_id IS NULL;
-- A caseworker works in one unit: without telling the planner so, it multiplies the two
-- selectivities, expects a handful of rows for (unit, caseworker) and sorts a caseworker's
-- hundreds of open cases instead of reading them in the index's order.
CREATE STATISTICS cases_unit_caseworker (dependencies) ON unit, caseworker FROM cases;
CREATE STATISTICS inquiries_unit_caseworker (dependencies) ON unit, caseworker FROM inquiries;
