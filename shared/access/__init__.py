"""Access policy as data (policy.yaml). Its enforcement on the routes, `allow`, is in
shared/access/routes.py, so that the rules here can be used without a web framework."""
from shared.access.policy import PUBLIC, Grant, checked_action, grant_for, policy

__all__ = ["PUBLIC", "Grant", "checked_action", "grant_for", "policy"]
