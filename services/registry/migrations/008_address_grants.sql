-- Skyddade personuppgifter: a protected person's address is shown only to the one member of
-- staff a supervisor has explicitly granted it to, for a reason and a time; opening a case grants
-- nothing. Grants are never deleted: a revoked one stays, with who revoked it and why.
CREATE TABLE address_grants (
    id            uuid PRIMARY KEY,
    person_id     uuid NOT NULL REFERENCES persons (id),
    grantee       text NOT NULL,          -- the token subject who may see the address
    unit          text NOT NULL,          -- the granting supervisor's unit; the grantee reads in it
    reason        text NOT NULL,
    granted_by    text NOT NULL,
    granted_at    timestamptz NOT NULL,
    valid_until   timestamptz NOT NULL,
    revoked_by    text,
    revoked_at    timestamptz,
    revoke_reason text,
    CHECK (valid_until > granted_at)
);
CREATE INDEX address_grants_by_person ON address_grants (person_id, grantee);
