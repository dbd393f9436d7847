"""The Organisation type: an entity with a 统一社会信用代码."""

from __future__ import annotations

from datetime import date

import strawberry

from graph.access import OrganisationRow


@strawberry.type
class Organisation:
    uscc: str
    uscc_checksum_valid: bool
    name: str
    legal_form: str | None
    status: str | None
    established_on: date | None
    address: str | None

    @classmethod
    def from_row(cls, row: OrganisationRow) -> "Organisation":
        return cls(
            uscc=row.uscc,
            uscc_checksum_valid=bool(row.usccChecksumValid),
            name=row.name,
            legal_form=row.legalForm,
            status=row.status,
            established_on=row.establishedOn,
            address=row.address,
        )
