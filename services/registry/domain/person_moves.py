"""Moving what was registered under a wrong person to the right one: the reasons support may
state, in general words, and the rule that a person is not moved onto themselves."""
from uuid import UUID

from shared import errors

MOVE_REASONS = {
    "wrong_personal_identity_number": "registrerat under fel personnummer",
    "wrong_person": "registrerat på fel person",
    "duplicate_registration": "personen var registrerad två gånger",
}


def ensure_movable(from_person_id: UUID, to_person_id: UUID) -> None:
    if from_person_id == to_person_id:
        raise errors.invalid("same_person", "Records cannot be moved to the person they are registered under",
                             "`to_person_id` must be another person than the one in the path")
