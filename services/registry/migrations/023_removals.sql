-- A person registered by mistake is removed as one more kind of culling (rule
-- registered_by_mistake of retention.yaml): support states why in general words, a code of
-- services/registry/domain/retention.py REMOVAL_REASONS, never free text that could say whose.
ALTER TABLE cullings ADD COLUMN reason text;
ALTER TABLE cullings ADD CONSTRAINT cullings_reason_of_removal
    CHECK ((rule_id = 'registered_by_mistake') = (reason IS NOT NULL));
