-- Persons (the socialregister's people). The identity number is stored normalized
-- (YYYYMMDDNNNC, a samordningsnummer keeps its day + 60), so every search finds one row.
CREATE TABLE persons (
    id                 uuid PRIMARY KEY,
    pin                text NOT NULL UNIQUE,
    birth_date         date NOT NULL,
    first_name         text NOT NULL,
    last_name          text NOT NULL,
    street             text,
    postal_code        text,
    city               text,
    -- skyddade personuppgifter: the address is shown only to those the policy allows
    protected_identity boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL
);
