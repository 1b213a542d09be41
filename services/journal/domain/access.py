"""Who may do what in the journal. The policy is data, so a test can state it and read it."""
from enum import StrEnum

from shared.auth import Principal
from shared.problems import Problem


class Action(StrEnum):
    WRITE = "write"                  # skriva anteckning
    CORRECT = "correct"              # rätta
    SIGN = "sign"                    # signera
    ADDEND = "addend"                # tillägg
    READ = "read"
    REMOVE = "remove"                # only of a note written on the wrong person
    READ_ARCHIVE = "read_archive"    # removed notes, kept for support


# The citizen may not yet add their own addendum: the journal's read model knows a case's
# person id, but a citizen's token carries a personal identity number, and nothing here
# can tie the two together. Until the registry publishes that link, staff record the
# person's view for them.
MAY: dict[Action, tuple[str, ...]] = {
    Action.WRITE: ("caseworker", "supervisor"),
    Action.CORRECT: ("caseworker", "supervisor"),
    Action.SIGN: ("caseworker", "supervisor"),
    Action.ADDEND: ("caseworker", "supervisor"),
    Action.READ: ("caseworker", "supervisor", "support"),
    Action.REMOVE: ("support",),
    Action.READ_ARCHIVE: ("support",),
}


def may(user: Principal, action: Action) -> bool:
    return user.has_any(*MAY[action])


def ensure_unit(user: Principal, case_unit: str) -> None:
    """A caseworker works in their own unit; supervisors and support see every unit."""
    if user.has_any("caseworker") and not user.has_any("supervisor", "support") and user.unit != case_unit:
        raise Problem(403, "other_unit", "The case belongs to another unit",
                      f"your unit is {user.unit!r}; the case is in {case_unit!r}")


def ensure_may_sign(user: Principal, written_by: str) -> None:
    """You sign what you wrote; a supervisor may sign for someone else (e.g. a trainee)."""
    if not user.has_any("supervisor") and user.sub != written_by:
        raise Problem(403, "not_author", "Only the author signs this version",
                      f"the version was written by {written_by!r}")
