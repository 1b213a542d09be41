-- Gallring: an approval by a named official, and per person one culling. What is kept of a
-- culled person is this record (when, under which rule, approved by whom) and, until every
-- service has confirmed, whose it was (person_id, person_ref): then both are cleared.
CREATE TABLE culling_approvals (
    id              uuid PRIMARY KEY,
    approved_by     text NOT NULL,
    approved_at     timestamptz NOT NULL,
    idempotency_key text,
    request_hash    text NOT NULL,
    UNIQUE (approved_by, idempotency_key)
);

CREATE TABLE cullings (
    id           uuid PRIMARY KEY,
    approval_id  uuid NOT NULL REFERENCES culling_approvals (id),
    person_id    uuid,
    person_ref   text,
    rule_id      text NOT NULL,
    approved_by  text NOT NULL,
    approved_at  timestamptz NOT NULL,
    completed_at timestamptz,
    CHECK ((completed_at IS NULL) = (person_id IS NOT NULL)),
    CHECK ((person_id IS NULL) = (person_ref IS NULL))
);
CREATE UNIQUE INDEX cullings_one_per_person ON cullings (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX cullings_by_approval ON cullings (approval_id, id);

-- Each service's confirmation that it culled what it held (from its own event; the registry's
-- own in the approval's transaction). `counts`: rows per kind, never what they held.
CREATE TABLE culling_confirmations (
    culling_id   uuid NOT NULL REFERENCES cullings (id),
    service      text NOT NULL,
    counts       jsonb NOT NULL,
    confirmed_at timestamptz NOT NULL,
    PRIMARY KEY (culling_id, service)
);
