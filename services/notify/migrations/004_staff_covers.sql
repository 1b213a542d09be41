-- The staff directory (from staff.changed): where a member is e-mailed when an escalation names
-- them, and whose supervisor is whose. Staff only; notify still holds no person of a case.
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

-- Covers (ersättare, from cover.granted and cover.ended): during the cover, `cover` also gets the
-- in-app notices of `absent`'s new watches. ended_on: the absent member is back that day.
CREATE TABLE covers (
    cover_id  uuid PRIMARY KEY,
    unit      text,
    absent    text NOT NULL,
    cover     text NOT NULL,
    from_date date,
    to_date   date,
    ended_on  date
);
CREATE INDEX covers_by_absent ON covers (absent);
