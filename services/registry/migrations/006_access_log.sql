-- Loggkontroll: every read of a person's data in any service, from the audit.access topic.
CREATE TABLE access_log (
    event_id  uuid PRIMARY KEY,
    service   text NOT NULL,              -- the CloudEvents source, e.g. omsorg/journal
    actor     text NOT NULL,
    roles     text[] NOT NULL,
    action    text NOT NULL,
    resource  text NOT NULL,
    person_id uuid,
    reason    text,
    at        timestamptz NOT NULL
);
CREATE INDEX access_log_person ON access_log (person_id, at DESC);
