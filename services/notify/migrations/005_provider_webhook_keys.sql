-- Each provider's current webhook key version (from provider.webhook_key_rotated, docs/adr/0016).
-- Not the secret: the sender derives that from OMSORG_WEBHOOK_SECRET, the provider id and this
-- version when it signs. A provider not here has version 0 (no secret issued).
CREATE TABLE provider_webhook_keys (
    provider_id uuid PRIMARY KEY,
    key_version integer NOT NULL CHECK (key_version >= 0),
    rotated_at  timestamptz NOT NULL
);
