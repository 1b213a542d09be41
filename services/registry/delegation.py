"""The delegation order of `delegation.yaml` beside this module, read and checked once: the
registry imports it at start-up, so a malformed file stops the service (domain/delegation.py)."""
from functools import lru_cache
from pathlib import Path

import yaml

from services.registry.domain.delegation import DelegationError, DelegationOrder, parse

DELEGATION_FILE = Path(__file__).with_name("delegation.yaml")


def load(path: Path = DELEGATION_FILE) -> DelegationOrder:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DelegationError(f"{path.name}: not YAML: {exc}") from None
    return parse(document, path.name)


@lru_cache(maxsize=1)
def order() -> DelegationOrder:
    return load()
