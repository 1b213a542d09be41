"""How the pages write what the services answer: dates as Swedes write them, moments in Swedish
local time (Europe/Stockholm), decimal commas, interventions by their Swedish names. Pure: the
templates use them as filters."""
from datetime import date, datetime
from decimal import Decimal

from services.web import texts
from shared import interventions
from shared.clock import SWEDEN


def swedish_date(value: str | date | None) -> str:
    """A date as Swedes write it: 3 mars 2026."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {texts.MONTHS[day.month - 1]} {day.year}"


def swedish_time(value: str | datetime | None) -> str:
    """A moment in Swedish local time (Europe/Stockholm): 3 mars 2026 kl. 15.20."""
    if not value:
        return ""
    moment = (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(SWEDEN)
    return f"{swedish_date(moment.date())} kl. {moment:%H.%M}"


def local_iso(value: str | datetime | None) -> str:
    """A moment in Swedish local time as ISO 8601, for a <time datetime> attribute."""
    if not value:
        return ""
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(SWEDEN).isoformat()


def swedish_number(value: str | int | float | None) -> str:
    """A decimal number as Swedes write it: 24, 7,5."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",")


def intervention_name(code: str) -> str:
    """The intervention's Swedish name from the catalogue (shared/interventions)."""
    item = interventions.find(code)
    return item.name if item else code


def swedish_kronor(ore: int | None) -> str:
    """An amount in öre as Swedes write kronor: 10 575,00 kr (non-breaking spaces)."""
    if ore is None:
        return ""
    sign = "−" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    grouped = f"{kronor:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{rest:02d}\u00a0kr"
