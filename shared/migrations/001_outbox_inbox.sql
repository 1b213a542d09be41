-- Transactional outbox: a state change and its event are written in one transaction;
-- the relay publishes rows in seq order and marks them published.
CREATE TABLE outbox (
    seq           bigserial PRIMARY KEY,
    id            uuid NOT NULL UNIQUE,           -- the event id (UUIDv7)
    topic         text NOT NULL,
    key           text NOT NULL,                  -- the aggregate id
    type          text NOT NULL,
    source        text NOT NULL,
    subject       text,
    time          timestamptz NOT NULL,
    data          jsonb NOT NULL,
    trace_context jsonb NOT NULL DEFAULT '{}',    -- traceparent/tracestate of the request that wrote it
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- Wake the relay when a transaction that wrote events commits (NOTIFY is delivered on commit).
CREATE FUNCTION outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake();

-- Inbox: a consumer records the event id in the same transaction as its effect,
-- so a redelivered event has no second effect.
CREATE TABLE inbox (
    consumer     text NOT NULL,
    event_id     uuid NOT NULL,
    type         text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
