-- Deadlines as the law sets them, decisions with their content, and the carrying out of decisions.

-- An adult's investigation has no statutory deadline: due_on is null (docs/law.md, rule 3b).
ALTER TABLE investigations ALTER COLUMN due_on DROP NOT NULL;

-- Extensions of a statutory deadline: of a child investigation (särskilda skäl) or of the
-- initial assessment of a report about a child (synnerliga skäl), with the reason recorded.
CREATE TABLE deadline_extensions (
    id              uuid PRIMARY KEY,
    subject_type    text NOT NULL CHECK (subject_type IN ('investigation', 'assessment')),
    subject_id      uuid NOT NULL,
    previous_due_on date NOT NULL,
    due_on          date NOT NULL CHECK (due_on > previous_due_on),
    reason          text NOT NULL,
    extended_by     text NOT NULL,
    extended_at     timestamptz NOT NULL
);
CREATE INDEX deadline_extensions_subject ON deadline_extensions (subject_id, extended_at);

-- Skyddsbedömning: who recorded it and when come from the token and the clock; whether the
-- child needs immediate protection and why are stated. The initial assessment likewise
-- records when it was entered, beside the date the assessment itself was made.
ALTER TABLE inquiries
    ADD COLUMN protection_due_on       date,         -- the day of receipt, for a report about a child
    ADD COLUMN protection_needed       boolean,
    ADD COLUMN protection_reasons      text,
    ADD COLUMN protection_assessed_by  text,
    ADD COLUMN protection_assessed_at  timestamptz,
    ADD COLUMN assessment_recorded_at  timestamptz;

-- A decision's content: reasons (förvaltningslagen 32 §), legal basis, granted scope, and the
-- appeal instructions (33 §) when it does not grant the application in full. Decisions from
-- before have none; every new one must.
ALTER TABLE decisions
    ADD COLUMN reasons             text,
    ADD COLUMN legal_basis         text,
    ADD COLUMN scope_amount        numeric(12, 2),
    ADD COLUMN scope_unit          text,
    ADD COLUMN appeal_instructions text;
ALTER TABLE decisions ADD CONSTRAINT decisions_reasons_required
    CHECK (reasons IS NOT NULL AND legal_basis IS NOT NULL) NOT VALID;

-- Verkställighet: a decision carried out in-house or by payment, interrupted, resumed.
-- (A provider's start reaches the watch as order.started.)
CREATE TABLE decision_executions (
    id           uuid PRIMARY KEY,
    decision_id  uuid NOT NULL REFERENCES decisions (id),
    action       text NOT NULL CHECK (action IN ('executed', 'interrupted', 'resumed')),
    on_date      date NOT NULL,
    method       text CHECK (method IN ('in_house', 'payment')),
    reason_code  text,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX decision_executions_decision ON decision_executions (decision_id, recorded_at);

-- Why a favourable decision has not been carried out (for the report to IVO), as codes.
CREATE TABLE decision_delay_reasons (
    id                uuid PRIMARY KEY,
    decision_id       uuid NOT NULL REFERENCES decisions (id),
    code              text NOT NULL,
    declined_offer_on date,
    recorded_by       text NOT NULL,
    recorded_at       timestamptz NOT NULL
);
CREATE INDEX decision_delay_reasons_decision ON decision_delay_reasons (decision_id, recorded_at);
