-- The delivery log: one row per notification to one recipient over one channel because
-- of one event. The unique key makes a redelivered event harmless.
CREATE TABLE deliveries (
    id               uuid PRIMARY KEY,
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    template         text NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('email', 'webhook', 'in_app')),
    recipient        text NOT NULL,
    order_id         uuid,
    provider_id      uuid,
    content          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    failed_at        timestamptz,
    UNIQUE (event_id, recipient, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_order ON deliveries (order_id, created_at);
CREATE INDEX deliveries_recipient ON deliveries (recipient, created_at);
CREATE INDEX deliveries_status ON deliveries (status, created_at);

-- Wake the sender when a transaction that queued deliveries commits.
CREATE FUNCTION deliveries_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_deliveries', '');
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_wake AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_wake();

-- In-app notifications for caseworkers (user:<sub>) and a unit's supervisors (supervisors:<unit>).
CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    delivery_id uuid NOT NULL UNIQUE REFERENCES deliveries (id),
    recipient   text NOT NULL,
    template    text NOT NULL,
    title       text NOT NULL,
    text        text NOT NULL,
    link        text,
    order_id    uuid,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_recipient ON notifications (recipient, created_at DESC);

-- Read per person: a notification to a unit's supervisors is read by each of them on their own.
CREATE TABLE notification_reads (
    notification_id uuid NOT NULL REFERENCES notifications (id),
    reader          text NOT NULL,
    read_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, reader)
);
