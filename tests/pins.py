"""Valid and invalid personal identity numbers for tests, made fresh so tests never collide."""
import random
from datetime import date, timedelta

from shared.pin import luhn_check_digit
from tests import clock


def make_pin(birth_date: date | None = None, *, rng: random.Random = random.Random()) -> str:
    """A valid 12-digit personnummer (YYYYMMDDNNNC) for `birth_date`, or a random adult."""
    if birth_date is None:
        birth_date = date(1940, 1, 1) + timedelta(days=rng.randrange(60 * 365))
    short = f"{birth_date:%y%m%d}{rng.randrange(1, 1000):03d}"
    return f"{birth_date:%Y}{short[2:]}{luhn_check_digit(short)}"


def child_pin(age: int = 8, *, rng: random.Random = random.Random()) -> str:
    """A child's number, `age` years old today (on a random day of that year of life), so that the
    many children of a test run do not share a birth date and, by chance, a number."""
    today = clock.today()
    born_latest = date(today.year - age, today.month, min(today.day, 28))
    return make_pin(born_latest - timedelta(days=rng.randrange(360)))


# One defect each, and a part of what the shared validator says about it.
INVALID_PINS = {
    "19121212-1213": "check digit should be 2, not 3",
    "19121312-1212": "month 13 does not exist",
    "19120230-1212": "30 February 1912 does not exist",
    "12121212": "must be 10 or 12 digits",
    "19121212-0008": "serial number 000",
    "abc": "contains 'a'",
    "29121212-1212": "in the future",
    "19121212-12121": "must be 10 or 12 digits",
    "": "is empty",
}


async def register_person(client, headers: dict[str, str], **fields) -> str:
    """Register a new person through the registry's API; returns the person's id."""
    body = {"pin": make_pin(), "first_name": "Karin", "last_name": "Berg", **fields}
    response = await client.post("/persons", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]
