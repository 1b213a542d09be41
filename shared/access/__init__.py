"""Access policy as data (policy.yaml) and its one enforcement point, `allow`."""
from shared.access.policy import PUBLIC, Grant, allow, checked_action, grant_for, policy

__all__ = ["PUBLIC", "Grant", "allow", "checked_action", "grant_for", "policy"]
