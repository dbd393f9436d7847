"""Dashboards (workflow.md section 6): counts over the subjects of one region, as of a day, by the same rules as
the files. The API's `dashboard` query (api/types/dashboard.py) reads them from here.

A subject's region is its organisation's `regionCode` (the region_code of the exchange file, else the USCC's
division code, set at import) or, for a person, the address code of a resident ID number (its first 6
characters). A region is a prefix of 2, 4 or 6 digits; `None` is the whole country.

How it stays fast: a region's numbers start from its subjects (a prefix seek on the `organisation_region` index
and on the persons' unique (idType, idNumber) index) and follow their entries, records, pushes and applications,
so the work follows the size of the region, not of the country. The whole country reads the entries, records,
pushes and applications themselves through their date indexes (no hop to the subject unless a grouping by
region asks for it). Nothing is stored twice, so nothing can fall out of step with the files, whoever writes
them (import, listing, feedback, repair, objection): every number is computed from the same properties as the
files, with the same rules (graph/rules.py), in one query per field. BENCHMARKS.md has the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import queries
from graph import regions
from graph.store.driver import Graph

REGION_GROUPS = {"PROVINCE": 2, "CITY": 4, "COUNTY": 6}
MAX_MONTHS = 120


@dataclass(frozen=True)
class EntryGroup:
    region: str | None  # the subject's 6-digit region; None for a subject without one
    list_type: str
    domain: str
    count: int


@dataclass
class UnitStats:
    unit_uscc: str | None
    unit_name: str | None
    total: int = 0
    answered: int = 0
    pending: int = 0
    overdue: int = 0
    withdrawn: int = 0
    withdrawn_unanswered: int = 0
    days: Counter[int] = field(default_factory=Counter)  # days from push to action -> answered pushes

    def add(self, other: UnitStats) -> None:
        for name in ("total", "answered", "pending", "overdue", "withdrawn", "withdrawn_unanswered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.update(other.days)

    @property
    def feedback_rate(self) -> float:
        """answered / (total − withdrawn without feedback); 1.0 when nothing is left to answer (the contract)."""
        due = self.total - self.withdrawn_unanswered
        return self.answered / due if due else 1.0

    @property
    def median_days(self) -> float | None:
        return median(self.days)


@dataclass(frozen=True)
class RepairStats:
    applied: int
    accepted: int
    rejected: int
    pending: int
    median_days: float | None


def median(histogram: Counter[int]) -> float | None:
    """The median of a multiset given as value -> count; the mean of the two middle values for an even count."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = ((total - 1) // 2, total // 2)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        for position in middle:
            if seen <= position < seen + histogram[value]:
                found.append(value)
        seen += histogram[value]
    return (found[0] + found[1]) / 2


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: date, end: date) -> int:
    """How many calendar months from `start`'s to `end`'s, both included."""
    return month_index(end) - month_index(start) + 1


def group_key(group_by: str, group: EntryGroup) -> str | None:
    """The bucket of a group of entries: a 6-digit division code (PROVINCE xx0000, CITY xxxx00, COUNTY the code),
    a list type or a domain; None when the subject has no region."""
    if group_by in REGION_GROUPS:
        if group.region is None:
            return None
        digits = REGION_GROUPS[group_by]
        return group.region[:digits].ljust(6, "0")
    return group.list_type if group_by == "LIST_TYPE" else group.domain


def buckets(groups: list[EntryGroup], group_by: str, list_type: str | None) -> list[tuple[str, str | None, int]]:
    """(key, label, count) of the entries of one list type (all when None), largest first, ties by key."""
    counts: Counter[str] = Counter()
    for group in groups:
        if list_type is None or group.list_type == list_type:
            key = group_key(group_by, group)
            if key is not None:
                counts[key] += group.count
    labelled = [(key, regions.name(key) if group_by in REGION_GROUPS else None, n) for key, n in counts.items()]
    return sorted(labelled, key=lambda b: (-b[2], b[0]))


async def entry_groups(graph: Graph, region: str | None, as_of: date, by_region: bool) -> list[EntryGroup]:
    """Entries active on the day, counted by (subject region, list type, domain)."""
    if region is None:
        rows = await graph.run(queries.get("dashboard_entries_national"), asOf=as_of, byRegion=by_region)
    else:
        rows = await graph.run(queries.get("dashboard_entries_region"), prefix=region, asOf=as_of)
    return [EntryGroup(r, t, d, n) for r, t, d, n in rows[0]["groups"]]


async def records_by_month(graph: Graph, region: str | None, as_of: date, start: date, end: date,
                           categories: list[str] | None, severities: list[str] | None) -> list[tuple[str, int]]:
    """Records decided in each month from `start`'s to `end`'s (days from `start` to `end`, none after `as_of`),
    every month present."""
    last = min(end, as_of)
    counts: dict[int, int] = {}
    if start <= last:
        params = dict(categories=categories, severities=severities, **{"from": start, "to": last})
        if region is None:
            rows = await graph.run(queries.get("dashboard_records_national"), **params)
        else:
            rows = await graph.run(queries.get("dashboard_records_region"), prefix=region, **params)
        counts = dict(rows[0]["months"])
    first = month_index(start)
    return [(month_name(m), counts.get(m, 0)) for m in range(first, month_index(end) + 1)]


async def push_stats(graph: Graph, region: str | None, as_of: date) -> tuple[UnitStats, list[UnitStats]]:
    """Pushes made up to the day for subjects in the region, with their state on the day: the whole, and by unit
    (largest total first, ties by USCC)."""
    if region is None:
        rows = await graph.run(queries.get("dashboard_pushes_national"), asOf=as_of)
    else:
        rows = await graph.run(queries.get("dashboard_pushes_region"), prefix=region, asOf=as_of)
    units: dict[str | None, UnitStats] = {}
    for unit, name, days, answered, withdrawn, overdue, n in rows[0]["groups"]:
        stats = units.setdefault(unit, UnitStats(unit, name))
        stats.unit_name = stats.unit_name or name
        stats.total += n
        stats.answered += n if answered else 0
        stats.withdrawn += n if withdrawn else 0
        stats.pending += n if not answered and not withdrawn else 0
        stats.overdue += n if overdue else 0
        stats.withdrawn_unanswered += n if withdrawn and not answered else 0
        if days is not None:
            stats.days[days] += n
    whole = UnitStats(None, None)
    for stats in units.values():
        whole.add(stats)
    return whole, sorted(units.values(), key=lambda u: (-u.total, u.unit_uscc or ""))


async def repair_stats(graph: Graph, region: str | None, as_of: date, start: date, end: date) -> RepairStats:
    """Applications filed from `start` to `end` (none after `as_of`), by their state on `as_of`."""
    last = min(end, as_of)
    groups: list[list[Any]] = []
    if start <= last:
        params = {"asOf": as_of, "from": start, "to": last}
        if region is None:
            rows = await graph.run(queries.get("dashboard_repairs_national"), **params)
        else:
            rows = await graph.run(queries.get("dashboard_repairs_region"), prefix=region, **params)
        groups = rows[0]["groups"]
    by_status: Counter[str] = Counter()
    days: Counter[int] = Counter()
    for status, spent, n in groups:
        by_status[status] += n
        if spent is not None:
            days[spent] += n
    return RepairStats(applied=sum(by_status.values()), accepted=by_status["ACCEPTED"],
                       rejected=by_status["REJECTED"], pending=by_status["PENDING"], median_days=median(days))
