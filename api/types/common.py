"""Small value types: Region, Agency, Risk, Measure, AppliedMeasure, PageInfo, RecordFilter."""

from __future__ import annotations

from datetime import date

import strawberry

from api.types.enums import RecordCategory, RecordStatus, RiskColour, Severity
from api.types.lazy import LazyListEntry
from graph import regions
from graph.access import MeasureRow
from graph.risk import RiskResult


@strawberry.type
class Region:
    code: str
    name: str | None

    @classmethod
    def of(cls, code: str | None) -> Region | None:
        return cls(code=code, name=regions.name(code)) if code else None


@strawberry.type
class Agency:
    name: str
    uscc: str | None

    @classmethod
    def of(cls, name: str | None, uscc: str | None) -> Agency | None:
        if not name and not uscc:
            return None
        return cls(name=name or uscc or "", uscc=uscc)


@strawberry.type
class Risk:
    level: RiskColour
    reasons: list[str]

    @classmethod
    def from_result(cls, result: RiskResult) -> Risk:
        return cls(level=RiskColour(result.level), reasons=result.reasons)


@strawberry.type
class Measure:
    code: str
    name: str
    tier: str | None
    legal_basis: str | None
    implementer: Agency | None
    list_type: str = strawberry.field(description="The list type that triggers it.")
    domain: str | None = strawberry.field(description="The domain that triggers it; null = every domain.")

    @classmethod
    def from_row(cls, row: MeasureRow) -> Measure:
        return cls(code=row.code, name=row.name, tier=row.tier, legal_basis=row.legal_basis,
                   implementer=Agency.of(row.implementer_name, row.implementer_uscc), list_type=row.list_type,
                   domain=row.domain)


@strawberry.type
class AppliedMeasure:
    measure: Measure
    triggered_by: list[LazyListEntry]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.input
class RecordFilter:
    categories: list[RecordCategory] | None = None
    severities: list[Severity] | None = None
    statuses: list[RecordStatus] | None = None
    decided_from: date | None = None
    decided_to: date | None = None
