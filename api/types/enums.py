"""The contract's enumerations."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum
class SubjectKind(Enum):
    ORGANISATION = "ORGANISATION"
    PERSON = "PERSON"


@strawberry.enum
class Role(Enum):
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    PRINCIPAL = "PRINCIPAL"
    EXECUTIVE = "EXECUTIVE"


@strawberry.enum
class RecordCategory(Enum):
    ADMIN_PENALTY = "ADMIN_PENALTY"
    COURT_DEFAULTER = "COURT_DEFAULTER"
    ABNORMAL_OPERATION = "ABNORMAL_OPERATION"
    SERIOUS_VIOLATION = "SERIOUS_VIOLATION"
    INSPECTION_FAILURE = "INSPECTION_FAILURE"
    OTHER = "OTHER"


@strawberry.enum
class Severity(Enum):
    MINOR = "MINOR"
    GENERAL = "GENERAL"
    SERIOUS = "SERIOUS"


@strawberry.enum(description="ACTIVE: in its publication period. EXPIRED: past it. REPAIRED, REVOKED: by decision, "
                             "on a date.")
class RecordStatus(Enum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REPAIRED = "REPAIRED"
    REVOKED = "REVOKED"


@strawberry.enum
class ListType(Enum):
    BLACKLIST = "BLACKLIST"
    KEY_ATTENTION = "KEY_ATTENTION"
    REDLIST = "REDLIST"


@strawberry.enum
class RiskColour(Enum):
    RED = "RED"
    YELLOW = "YELLOW"
    GREEN = "GREEN"


@strawberry.enum
class AccountabilityBasis(Enum):
    LEGAL_REPRESENTATIVE_AT_THE_TIME = "LEGAL_REPRESENTATIVE_AT_THE_TIME"
    PRINCIPAL_AT_THE_TIME = "PRINCIPAL_AT_THE_TIME"
    NAMED_RESPONSIBLE = "NAMED_RESPONSIBLE"


@strawberry.enum
class Relation(Enum):
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    PRINCIPAL = "PRINCIPAL"
    EXECUTIVE = "EXECUTIVE"
    SHAREHOLDER = "SHAREHOLDER"
    RECORD = "RECORD"
    RESPONSIBLE = "RESPONSIBLE"
    LIST_ENTRY = "LIST_ENTRY"
