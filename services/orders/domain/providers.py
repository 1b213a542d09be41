"""Providers (utförare): the organisation number and what a provider offers. No I/O here."""
import re

from email_validator import EmailNotValidError, validate_email

from shared import errors
from shared.pin import luhn_check_digit

_ORGANISATION_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """The last digit is the Luhn check digit of the others, as Skatteverket and Bolagsverket
    compute it (shared.pin.luhn_check_digit)."""
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def normalise_organisation_number(text: str) -> str:
    """NNNNNN-NNNN with a valid check digit; the hyphen may be left out.

    A sole trader's (enskild firma's) organisation number is the owner's personal
    identity number without the century, so it is accepted too: both are ten digits
    with a Luhn check digit.
    """
    match = _ORGANISATION_NUMBER.match(text.strip())
    if not match or not luhn_ok(match.group(1) + match.group(2)):
        raise errors.invalid("invalid_organisation_number", "Not a valid organisation number",
                      "write ten digits as NNNNNN-NNNN; the last is a check digit (Luhn)")
    return f"{match.group(1)}-{match.group(2)}"


def ensure_offers(interventions: list[str], intervention: str) -> None:
    if intervention not in interventions:
        raise errors.conflict("provider_does_not_offer", "The provider does not offer this intervention",
                      f"the provider offers: {', '.join(sorted(interventions)) or 'nothing'}")


def normalise_email(text: str) -> str:
    """A provider's address as mail can be sent to it: parsed by a real address parser (no `;`,
    `,` or `<...>` tricks that send mail to someone else), the domain in its ASCII (IDNA) form.
    A local part that needs SMTPUTF8 is refused: not every mail server takes it."""
    try:
        parsed = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise errors.invalid("invalid_email", "Not an e-mail address mail can be sent to", str(exc)) from None
    if parsed.ascii_email is None:
        raise errors.invalid("invalid_email", "Not an e-mail address mail can be sent to",
                             "the part before @ must be plain ASCII letters, digits and . _ + -")
    return parsed.ascii_email
