-- Providers (utförare) and orders (beställningar) with their history.
CREATE TABLE providers (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL,
    organisation_number text NOT NULL UNIQUE,   -- NNNNNN-NNNN, Luhn-checked
    email               text NOT NULL,
    webhook_url         text,
    interventions       text[] NOT NULL,
    registered_by       text NOT NULL,
    registered_at       timestamptz NOT NULL
);
CREATE INDEX providers_name ON providers (name, id);

CREATE TABLE orders (
    id                   uuid PRIMARY KEY,
    case_id              uuid NOT NULL,
    decision_id          uuid NOT NULL,
    provider_id          uuid NOT NULL REFERENCES providers,
    unit                 text NOT NULL,
    person_id            uuid,
    intervention         text NOT NULL,
    details              text NOT NULL,
    wanted_start         date NOT NULL,
    state                text NOT NULL CHECK (state IN
                             ('draft', 'sent', 'opened', 'confirmed', 'started', 'rejected', 'recalled')),
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL,
    idempotency_key      text,
    request_hash         text,
    sent_by              text,          -- the caseworker whose signature sent it
    sent_at              timestamptz,
    content_digest       text,          -- sha256 of what was signed
    opened_at            timestamptz,
    started_on           date,
    recalled_at          timestamptz,
    replaces_order_id    uuid REFERENCES orders,
    replaced_by_order_id uuid REFERENCES orders,
    UNIQUE (created_by, idempotency_key)
);
CREATE INDEX orders_case ON orders (case_id, id);
-- The provider's inbox: unopened first, then newest sent first.
CREATE INDEX orders_inbox ON orders (provider_id, (opened_at IS NOT NULL), sent_at DESC, id DESC)
    WHERE sent_at IS NOT NULL;

-- Every change of an order, who and when; appended, never changed.
CREATE TABLE order_history (
    seq        bigserial PRIMARY KEY,
    order_id   uuid NOT NULL REFERENCES orders,
    action     text NOT NULL,
    from_state text,
    to_state   text NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    reason     text,
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX order_history_order ON order_history (order_id, seq);
