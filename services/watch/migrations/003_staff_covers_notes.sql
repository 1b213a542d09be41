-- The staff directory (from staff.changed): each member's unit, own supervisor and active period,
-- so that an escalation names the caseworker's own supervisor. Staff, not the people cases are
-- about: the watch still holds no person of a case.
CREATE TABLE staff (
    subject     text PRIMARY KEY,
    name        text NOT NULL,
    title       text,
    unit        text NOT NULL,
    email       text,
    supervisor  text,
    active_from date NOT NULL,
    active_to   date,
    changed_at  timestamptz NOT NULL
);

-- Covers (ersättare, from cover.granted and cover.ended): `cover` sees `absent`'s watches from
-- from_date to to_date, unless ended early (ended_on: the absent member is back that day).
-- A cover.ended that comes before its cover.granted leaves a row without a period.
CREATE TABLE covers (
    cover_id  uuid PRIMARY KEY,
    unit      text,
    absent    text NOT NULL,
    cover     text NOT NULL,
    from_date date,
    to_date   date,
    ended_on  date
);
CREATE INDEX covers_by_cover ON covers (cover);

-- Journal notes are watched too (unsigned_note): a fifth subject type.
ALTER TABLE subjects DROP CONSTRAINT subjects_type_check;
ALTER TABLE subjects ADD CONSTRAINT subjects_type_check
    CHECK (type IN ('order', 'inquiry', 'investigation', 'decision', 'note'));

-- Each case's caseworker as its latest case.reassigned named them: a subject of the case whose
-- event comes later (events of other topics arrive in any order) but happened before the
-- reassignment is the new caseworker's too.
CREATE TABLE case_caseworkers (
    case_id       uuid PRIMARY KEY,
    caseworker    text NOT NULL,
    reassigned_at timestamptz NOT NULL
);
