"""Orders' scoping rules on top of the policy (shared/access/policy.yaml), which says who may do what."""
from uuid import UUID

from shared import errors
from shared.access import Grant


def ensure_own_provider(user: Grant, provider_id: UUID) -> None:
    """Staff see every provider's basis; a provider user only its own."""
    if not user.sees_provider(provider_id):
        raise errors.forbidden("other_provider", "This is another provider's basis",
                      "a provider user sees only its own provider's reimbursement basis")
