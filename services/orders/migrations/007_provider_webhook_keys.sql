-- A provider's webhook signing key version (docs/adr/0016): raised each time an administrator
-- issues a new secret. The secret itself is derived from OMSORG_WEBHOOK_SECRET, the provider id
-- and this version, shown once and stored nowhere. 0: none issued yet.
ALTER TABLE providers
    ADD COLUMN webhook_key_version integer NOT NULL DEFAULT 0 CHECK (webhook_key_version >= 0),
    ADD COLUMN webhook_key_rotated_at timestamptz,
    ADD COLUMN webhook_key_rotated_by text;
