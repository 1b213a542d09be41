"""Cases (ärenden): kinds and the rules of opening and closing. No I/O here."""
from enum import StrEnum

from shared.problems import Problem


class CaseKind(StrEnum):
    SOL = "SoL"
    LSS = "LSS"
    LVU = "LVU"
    LVM = "LVM"
    FAMILY_LAW = "family_law"
    FINANCIAL_AID = "financial_aid"
    ELDERLY_CARE = "elderly_care"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def ensure_can_close(status: CaseStatus) -> None:
    if status is CaseStatus.CLOSED:
        raise Problem(409, "case_closed", "The case is already closed")
