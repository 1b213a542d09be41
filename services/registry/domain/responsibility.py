"""The responsible caseworker (ansvarig handläggare) of a case or an inquiry, and who may hand it
over. No I/O here.

Who may reassign is data (`registry:case.reassign`, `registry:inquiry.reassign` in
shared/access/policy.yaml): a supervisor (gruppchef) any case of their unit (scope `own_unit`), a
caseworker only what they are responsible for themselves (scope `own_identity`).
"""
from datetime import date

from services.registry.domain.staff import active_on
from shared import errors

# The scope a caseworker gets for reassigning: their own cases and inquiries only.
OWN = "own_identity"


def ensure_may_reassign(*, scope: str, sub: str, responsible: str | None, what: str) -> None:
    """A caseworker hands over only what they are responsible for; a supervisor of the unit any."""
    if scope == OWN and responsible != sub:
        raise errors.forbidden("not_responsible", f"You are not the responsible caseworker of this {what}",
                               f"the responsible caseworker or a supervisor of the unit may hand it over;"
                               f" it is {responsible}'s")


def ensure_new_caseworker(*, current: str | None, new: str) -> None:
    if new == current:
        raise errors.conflict("already_responsible", f"{new} is already the responsible caseworker")


def ensure_may_be_responsible(caseworker: str, member, *, unit: str, unit_in_directory: bool, today: date) -> None:
    """Work is handed to a member of its unit: one the staff directory has in `unit` and active
    today (`member` is their entry, None when the directory does not know them). A unit none of
    whose staff is in the directory yet hands work to any subject, whom its tokens let work there."""
    if member is None:
        if unit_in_directory:
            raise errors.invalid("unknown_caseworker", "The new caseworker is not in the staff directory",
                                 f"{caseworker!r} is not a member of staff of {unit}; GET /staff?unit={unit} lists"
                                 " who is")
        return
    if member["unit"] != unit:
        raise errors.invalid("caseworker_other_unit", "The new caseworker works in another unit",
                             f"{caseworker!r} is in {member['unit']} in the staff directory, the work in {unit}")
    if not active_on(member, today):
        raise errors.invalid("caseworker_not_active", "The new caseworker is not in service today",
                             f"{caseworker!r} is in service from {member['active_from'].isoformat()}"
                             + (f" to {member['active_to'].isoformat()}" if member["active_to"] else ""))


def inquiry_is_open(*, assessed_on, investigation_id) -> bool:
    """An inquiry is open until it is assessed or has led to an investigation (the intake queue)."""
    return assessed_on is None and investigation_id is None


def ensure_inquiry_open(*, assessed_on, investigation_id) -> None:
    if not inquiry_is_open(assessed_on=assessed_on, investigation_id=investigation_id):
        raise errors.conflict("inquiry_settled", "The inquiry is already assessed or has led to an investigation",
                              "responsibility now follows the case")
