-- Read model from orders' events: each order's provider contact as the order carried it,
-- so a reminder or recall notice reaches the contact in force when the order left.
CREATE TABLE orders (
    order_id     uuid PRIMARY KEY,
    case_id      uuid NOT NULL,
    provider_id  uuid NOT NULL,
    email        text NOT NULL,
    webhook_url  text,
    caseworker   text,
    unit         text,
    opened       boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
