"""What a journal action is, and the one rule about signing that the policy file names.

Who may do each action, and over which units, is in shared/access/policy.yaml."""
from enum import StrEnum

from shared import errors
from shared.access.policy import checked_action, grant_for
from shared.principal import Principal


class Action(StrEnum):
    WRITE = "write"                  # skriva anteckning
    CORRECT = "correct"              # rätta
    SIGN = "sign"                    # signera
    ADDEND = "addend"                # tillägg
    READ = "read"
    REMOVE = "remove"                # only of a note written on the wrong person
    READ_ARCHIVE = "read_archive"    # removed notes, kept for support


# Signing a version someone else wrote (e.g. a trainee's).
SIGN_FOR_AUTHOR = checked_action("journal:note.sign_for_author")


def ensure_may_sign(user: Principal, written_by: str) -> None:
    """You sign what you wrote; whom the policy allows may sign for someone else."""
    if user.sub != written_by and grant_for(user, SIGN_FOR_AUTHOR) is None:
        raise errors.forbidden("not_author", "Only the author signs this version",
                               f"the version was written by {written_by!r}")
