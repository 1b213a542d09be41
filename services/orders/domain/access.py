"""Orders' scoping rules on top of the policy (shared/access/policy.yaml), which says who may do what."""
from uuid import UUID

from shared.access import Grant
from shared.problems import Problem


def ensure_own_provider(user: Grant, provider_id: UUID) -> None:
    """Staff see every provider's basis; a provider user only its own."""
    if not user.sees_provider(provider_id):
        raise Problem(403, "other_provider", "This is another provider's basis",
                      "a provider user sees only its own provider's reimbursement basis")
