-- What the watch follows: the subjects of its rules (orders, inquiries, investigations,
-- decisions), a read model kept from other services' events. `settled` names the rule
-- tracks that have been settled (an order confirmed, an investigation completed); a row
-- may be settled before it is known, when events arrive out of order.
CREATE TABLE subjects (
    id         uuid PRIMARY KEY,
    type       text NOT NULL CHECK (type IN ('order', 'inquiry', 'investigation', 'decision')),
    case_id    uuid,
    caseworker text,
    unit       text,
    facts      jsonb NOT NULL DEFAULT '{}',
    settled    text[] NOT NULL DEFAULT '{}',
    known      boolean NOT NULL DEFAULT false,      -- false: only a settling event has been seen
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subjects_by_case ON subjects (case_id);

CREATE TABLE closed_cases (
    case_id   uuid PRIMARY KEY,
    closed_on date NOT NULL
);

-- Durable timers: one row per armed timer, deleted when it fires. The scheduler's only
-- way in is by due time, so arming is one insert into a table with one index; a timer
-- whose subject has been settled meanwhile is dropped when it comes due.
CREATE TABLE timers (
    due_at     timestamptz NOT NULL,
    rule       text NOT NULL,
    subject_id uuid NOT NULL,
    due_on     date NOT NULL                        -- the date the raised watch is due
);
CREATE INDEX timers_due ON timers (due_at);

-- Bevakningar. One open watch per subject and kind; a second firing updates it.
CREATE TABLE watches (
    id                uuid PRIMARY KEY,
    kind              text NOT NULL,
    rule              text NOT NULL,                -- the rule that fired last
    subject_type      text NOT NULL,
    subject_id        uuid NOT NULL,
    case_id           uuid,
    assignee          text,                         -- NULL: the unit's supervisors
    unit              text NOT NULL,
    escalated_to      text,
    due_on            date NOT NULL,
    raised_at         timestamptz NOT NULL,
    last_raised_at    timestamptz NOT NULL,
    trigger_count     integer NOT NULL DEFAULT 1,
    details           jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolved_at       timestamptz,
    resolved_by       text,
    resolution        text,
    resolution_comment text,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX watches_one_open ON watches (subject_id, kind) WHERE status = 'open';
CREATE INDEX watches_open_by_assignee ON watches (assignee, due_on) WHERE status = 'open';
CREATE INDEX watches_open_by_unit ON watches (unit, due_on) WHERE status = 'open';
CREATE INDEX watches_open_by_case ON watches (case_id) WHERE status = 'open';

-- Decisions and whether they were carried out, for the report of decisions not carried
-- out (ej verkställda beslut). Columns fill in as the events arrive, in any order.
CREATE TABLE decisions (
    decision_id  uuid PRIMARY KEY,
    case_id      uuid,
    unit         text,
    decided_by   text,
    intervention text,
    outcome      text,
    decided_on   date,
    executed_on  date                               -- the first order.started's day
);
CREATE INDEX decisions_by_unit ON decisions (unit, decided_on);
