"""Providers (utförare): the organisation number and what a provider offers. No I/O here."""
import re

from shared.problems import Problem

_ORGANISATION_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit as Skatteverket and Bolagsverket use it (weights 2,1,2,1,…)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_organisation_number(text: str) -> str:
    """NNNNNN-NNNN with a valid check digit; the hyphen may be left out.

    A sole trader's (enskild firma's) organisation number is the owner's personal
    identity number without the century, so it is accepted too: both are ten digits
    with a Luhn check digit.
    """
    match = _ORGANISATION_NUMBER.match(text.strip())
    if not match or not luhn_ok(match.group(1) + match.group(2)):
        raise Problem(422, "invalid_organisation_number", "Not a valid organisation number",
                      "write ten digits as NNNNNN-NNNN; the last is a check digit (Luhn)")
    return f"{match.group(1)}-{match.group(2)}"


def ensure_offers(interventions: list[str], intervention: str) -> None:
    if intervention not in interventions:
        raise Problem(409, "provider_does_not_offer", "The provider does not offer this intervention",
                      f"the provider offers: {', '.join(sorted(interventions)) or 'nothing'}")
