"""Cases (ärenden): kinds and states. The rules of the process are in `process`. No I/O here."""
from enum import StrEnum


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

