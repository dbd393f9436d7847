"""Dashboard and its buckets (workflow.md section 6): aggregates for 信用办 and measure 十九 assessments, over the
subjects of one region, as of a day. graph/dashboard.py counts; this module checks the arguments and shapes."""

from __future__ import annotations

import asyncio
from dataclasses import field
from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from api.auth import Principal
from api.context import Info
from api.dates import shown, today
from api.types.common import Agency
from api.types.enums import ListType, RecordCategory, Severity
from graph import dashboard, regions
from graph.errors import Forbidden, UserError


@strawberry.enum(description="How active list entries are grouped; a subject's region is described in workflow.md.")
class EntryDimension(Enum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"
    LIST_TYPE = "LIST_TYPE"
    DOMAIN = "DOMAIN"


@strawberry.type
class Bucket:
    key: str = strawberry.field(description="The group's key: a 6-digit division code (PROVINCE: xx0000, CITY: "
                                            "xxxx00), a list type or a domain.")
    label: str | None = strawberry.field(description="The division's name, where the key is a division.")
    count: int


@strawberry.type
class MonthBucket:
    month: str = strawberry.field(description="YYYY-MM")
    count: int


@strawberry.type
class UnitPushStats:
    unit: Agency
    total: int
    answered: int
    pending: int
    overdue: int
    feedback_rate: float = strawberry.field(description="As in PushStats.")


@strawberry.type(description="total: all pushes; answered: those with feedback (whatever their status now); pending, "
                             "withdrawn: by status;\noverdue: pending and past due on asOf; feedbackRate: answered / "
                             "(total − withdrawn without feedback), 1.0 when 0.")
class PushStats:
    total: int
    answered: int
    pending: int
    overdue: int
    withdrawn: int
    feedback_rate: float
    median_days_to_answer: float | None = strawberry.field(
        description="Median of (actedOn − pushedOn) in days over answered pushes; null when none.")
    by_unit: list[UnitPushStats]


@strawberry.type
class RepairStats:
    applied: int
    accepted: int
    rejected: int
    pending: int
    median_days_to_decide: float | None = strawberry.field(
        description="Median of (decidedOn − appliedOn) in days over decided applications; null when none.")


def check_period(start: date, end: date) -> None:
    if start > end:
        raise UserError(f"from ({start}) is after to ({end}): give a period that starts before it ends")
    months = dashboard.months_between(start, end)
    if months > dashboard.MAX_MONTHS:
        raise UserError(f"from {start} to {end} spans {months} months; ask for at most {dashboard.MAX_MONTHS} "
                        "(ten years) at a time")


@strawberry.type(description="Aggregates for 信用办 dashboards and measure 十九 assessments, over subjects in one "
                             "region, as of a date.")
class Dashboard:
    region_code: str | None
    as_of: date
    # Entries active on asOf by (region, list type, domain), fetched once per request for every grouping asked.
    _entries: strawberry.Private[dict[bool, asyncio.Future[list[dashboard.EntryGroup]]]] = field(
        default_factory=dict)

    async def _entry_groups(self, info: Info, by_region: bool) -> list[dashboard.EntryGroup]:
        # With a region, the groups always carry it; for the whole country only when a grouping needs it.
        wanted = by_region or self.region_code is not None
        for have in (True, wanted):  # groups with regions serve groupings without them too
            if have in self._entries:
                return await self._entries[have]
        task = asyncio.ensure_future(dashboard.entry_groups(info.context.graph, self.region_code, self.as_of,
                                                            by_region=wanted))
        self._entries[wanted] = task
        return await task

    @strawberry.field(description="Active list entries on asOf, grouped; largest group first, ties by key.")
    async def active_entries(self, info: Info, group_by: EntryDimension,
                             list_type: ListType | None = None) -> list[Bucket]:
        groups = await self._entry_groups(info, group_by.value in dashboard.REGION_GROUPS)
        return [Bucket(key=key, label=label, count=n)
                for key, label, n in dashboard.buckets(groups, group_by.value, list_type.value if list_type else None)]

    @strawberry.field(description="Records decided in each month from `from` to `to` (both included, every month "
                                  "present, zero counts too),\nwhatever their status now.")
    async def records_by_month(self, info: Info, from_: Annotated[date, strawberry.argument(name="from")],
                               to: date, categories: list[RecordCategory] | None = None,
                               severities: list[Severity] | None = None) -> list[MonthBucket]:
        check_period(from_, to)
        months = await dashboard.records_by_month(
            info.context.graph, self.region_code, self.as_of, from_, to,
            sorted({c.value for c in categories}) if categories is not None else None,
            sorted({s.value for s in severities}) if severities is not None else None)
        return [MonthBucket(month=m, count=n) for m, n in months]

    @strawberry.field(description="Pushes made up to asOf for subjects in the region, their feedback, by unit "
                                  "(largest total first).")
    async def push_stats(self, info: Info) -> PushStats:
        whole, units = await dashboard.push_stats(info.context.graph, self.region_code, self.as_of)
        return PushStats(
            total=whole.total, answered=whole.answered, pending=whole.pending, overdue=whole.overdue,
            withdrawn=whole.withdrawn, feedback_rate=whole.feedback_rate, median_days_to_answer=whole.median_days,
            by_unit=[UnitPushStats(unit=Agency(name=u.unit_name or u.unit_uscc or "", uscc=u.unit_uscc),
                                   total=u.total, answered=u.answered, pending=u.pending, overdue=u.overdue,
                                   feedback_rate=u.feedback_rate) for u in units])

    @strawberry.field(description="Repair applications filed from `from` to `to`, with their state on asOf.")
    async def repair_stats(self, info: Info, from_: Annotated[date, strawberry.argument(name="from")],
                           to: date) -> RepairStats:
        check_period(from_, to)
        stats = await dashboard.repair_stats(info.context.graph, self.region_code, self.as_of, from_, to)
        return RepairStats(applied=stats.applied, accepted=stats.accepted, rejected=stats.rejected,
                           pending=stats.pending, median_days_to_decide=stats.median_days)


def dashboard_region(principal: Principal, asked: str | None) -> str | None:
    """The region a dashboard covers: the one asked (a known division, within the credential's region) or, when
    none is asked, the credential's own (None: the whole country)."""
    bound = principal.region
    if asked is None:
        return regions.prefix_of(bound) if bound else None
    code = asked.strip()
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6)):
        raise UserError(f"regionCode: a GB/T 2260 division code or prefix of 2, 4 or 6 digits (e.g. 32, 3205, "
                        f"320505), not {shown(asked)}")
    prefix = regions.prefix_of(code)
    if bound and not prefix.startswith(regions.prefix_of(bound)):
        raise Forbidden(f"regionCode: this credential's dashboards cover region {bound} and its parts, not {code}")
    if not regions.known(prefix):
        raise UserError(f"regionCode: {code} is not a division of the GB/T 2260 division data; give a province, "
                        "city or county code such as 32, 3205 or 320505")
    return prefix


@strawberry.type
class DashboardQuery:
    @strawberry.field(description="DASHBOARD, AUTHORITY, ADMIN: aggregates for a region within the credential's own "
                                  "(null = the credential's region).")
    def dashboard(self, info: Info, region_code: str | None = None, as_of: date | None = None) -> Dashboard:
        return Dashboard(region_code=dashboard_region(info.context.principal, region_code), as_of=as_of or today())
