-- Delivered time (återrapportering) and the prices of the reimbursement basis.

-- A price is öre per `per_quantity` of a measure, from `valid_from` until the next price of
-- the same intervention and measure: e.g. 45 000 öre per 60 minutes is 450 kr an hour.
-- A change of price is a new row (a new migration), never an update, so a month already
-- paid keeps the prices it was paid at.
CREATE TABLE prices (
    intervention text NOT NULL,
    measure      text NOT NULL CHECK (measure IN ('minutes', 'units')),
    valid_from   date NOT NULL,
    price_ore    bigint NOT NULL CHECK (price_ore >= 0),
    per_quantity integer NOT NULL CHECK (per_quantity > 0),
    PRIMARY KEY (intervention, measure, valid_from)
);

INSERT INTO prices (intervention, measure, valid_from, price_ore, per_quantity) VALUES
    ('home_help',           'minutes', '2020-01-01', 45000, 60),   -- hemtjänst, 450 kr/h
    ('personal_assistance', 'minutes', '2020-01-01', 33500, 60),   -- personlig assistans, 335 kr/h
    ('housing_support',     'minutes', '2020-01-01', 52000, 60),   -- boendestöd, 520 kr/h
    ('escort_service',      'minutes', '2020-01-01', 30000, 60),   -- ledsagning, 300 kr/h
    ('contact_person',      'units',   '2020-01-01', 150000, 1),   -- kontaktperson, 1 500 kr per month
    ('short_term_stay',     'units',   '2020-01-01', 280000, 1),   -- korttidsvistelse, 2 800 kr per day
    ('day_activity',        'units',   '2020-01-01', 95000, 1);    -- daglig verksamhet, 950 kr per day

CREATE TABLE deliveries (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders,
    delivered_on    date NOT NULL,
    measure         text NOT NULL CHECK (measure IN ('minutes', 'units')),
    quantity        integer NOT NULL CHECK (quantity > 0),
    reported_by     text NOT NULL,
    reported_at     timestamptz NOT NULL,
    idempotency_key text,
    request_hash    text,
    UNIQUE (order_id, idempotency_key)
);
CREATE INDEX deliveries_order ON deliveries (order_id, delivered_on);
CREATE INDEX deliveries_month ON deliveries (delivered_on, order_id);
