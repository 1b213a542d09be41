"""The intervention catalogue (insatskatalog) as data: `catalogue.toml` beside this module.

Registry checks a decision's intervention against it, orders an order's, and watch's report to
IVO takes the law and IVO's category from it. No I/O beyond reading the file once.
"""
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from shared import errors

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")
# Where a client finds the list (served by the registry).
CATALOGUE_PATH = "/interventions"


class Law(StrEnum):
    SOL = "SoL"   # socialtjänstlagen (2025:400)
    LSS = "LSS"   # lagen (1993:387) om stöd och service till vissa funktionshindrade


class ScopeUnit(StrEnum):
    HOURS_PER_MONTH = "hours_per_month"
    DAYS = "days"
    AMOUNT_SEK = "amount_sek"
    NONE = "none"


class CarriedOut(StrEnum):
    PROVIDER = "provider"   # ordered from a provider; carried out when the provider starts
    IN_HOUSE = "in_house"   # by the unit's own staff; recorded as carried out by the caseworker
    PAYMENT = "payment"     # paid out; recorded as carried out when paid


@dataclass(frozen=True)
class Intervention:
    code: str
    name: str
    law: Law
    ivo_category: str
    scope_unit: ScopeUnit
    carried_out: CarriedOut
    placement: bool = False   # a placement outside the home: a child's is reviewed every six months


def parse(text: str) -> dict[str, Intervention]:
    """The catalogue in `text` by code; ValueError naming the entry when it is malformed."""
    entries = tomllib.loads(text).get("intervention", [])
    catalogue: dict[str, Intervention] = {}
    for number, entry in enumerate(entries, 1):
        try:
            item = Intervention(code=entry["code"], name=entry["name"], law=Law(entry["law"]),
                                ivo_category=entry["ivo_category"], scope_unit=ScopeUnit(entry["scope_unit"]),
                                carried_out=CarriedOut(entry["carried_out"]),
                                placement=bool(entry.get("placement", False)))
        except (KeyError, ValueError) as e:
            raise ValueError(f"intervention #{number} ({entry.get('code', '?')}): {e!r}") from None
        if item.code in catalogue:
            raise ValueError(f"intervention code {item.code!r} appears twice")
        catalogue[item.code] = item
    if not catalogue:
        raise ValueError("the intervention catalogue is empty")
    return catalogue


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Intervention]:
    return parse(CATALOGUE_FILE.read_text(encoding="utf-8"))


def find(code: str) -> Intervention | None:
    return catalogue().get(code)


def get(code: str) -> Intervention:
    """The intervention of `code`; 422 `unknown_intervention` with the list's link otherwise."""
    item = find(code)
    if item is None:
        raise errors.invalid("unknown_intervention", "The intervention is not in the catalogue",
                             f"{code!r} is not a code of the intervention catalogue; see {CATALOGUE_PATH}",
                             catalogue=CATALOGUE_PATH)
    return item
