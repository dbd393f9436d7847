"""The rules of disclosure, as data: publication periods per regime and severity, list validity, record status.

A new regime is a new row of `REGIMES`, not a rewrite (domain.md, "Disclosure and time").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

# Every date of the credit file is a day in China, whatever time zone the server runs in.
CHINA = ZoneInfo("Asia/Shanghai")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (29 Feb + 12 months = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    repair_after_months: int  # minimum publication before repair may be granted
    display_months: int  # display stops automatically after this


@dataclass(frozen=True)
class Regime:
    name: str
    in_force_from: date
    periods: dict[str, Period]
    # Record categories a credit office cannot repair under this regime (repairableFrom is null for them).
    not_repairable: frozenset[str] = frozenset()


REGIMES: tuple[Regime, ...] = (
    # NDRC 令第36号《信用修复管理办法》; SAMR 令第107号 agrees. Periods run from the decision date.
    Regime(
        name="NDRC-2025-36",
        in_force_from=date(2026, 4, 1),
        periods={
            "MINOR": Period(repair_after_months=0, display_months=3),
            "GENERAL": Period(repair_after_months=3, display_months=12),
            "SERIOUS": Period(repair_after_months=12, display_months=36),
        },
        # 失信被执行人: the court that listed the defaulter takes it off (workflow.md section 3).
        not_repairable=frozenset({"COURT_DEFAULTER"}),
    ),
)

# 黑名单期限自认定之日起3年: our default where a list entry gives no validity.
DEFAULT_LIST_VALIDITY_MONTHS = 36


def regime_for(decided_on: date) -> Regime:
    """The regime in force on the decision date; decisions before the first regime take the first one."""
    in_force = [r for r in REGIMES if r.in_force_from <= decided_on]
    return max(in_force, key=lambda r: r.in_force_from) if in_force else min(REGIMES, key=lambda r: r.in_force_from)


def public_until(severity: str, decided_on: date) -> tuple[date, str]:
    """The computed 公示截止期 and the regime it was computed under."""
    regime = regime_for(decided_on)
    return add_months(decided_on, regime.periods[severity].display_months), regime.name


def repairable_from(category: str, severity: str, decided_on: date) -> date | None:
    """The first day a repair may be granted (the minimum publication period, from the decision date, under the
    regime in force then); None for a category a credit office cannot repair."""
    regime = regime_for(decided_on)
    if category in regime.not_repairable:
        return None
    return add_months(decided_on, regime.periods[severity].repair_after_months)


def default_valid_until(listed_on: date) -> date:
    return add_months(listed_on, DEFAULT_LIST_VALIDITY_MONTHS)


def record_status(as_of: date, decided_on: date, public_until: date | None,
                  repaired_on: date | None, revoked_on: date | None) -> str | None:
    """ACTIVE, EXPIRED, REPAIRED, REVOKED as of a day; None when the record was not decided yet."""
    if decided_on > as_of:
        return None
    if revoked_on is not None and revoked_on <= as_of:
        return "REVOKED"
    if repaired_on is not None and repaired_on <= as_of:
        return "REPAIRED"
    if public_until is not None and as_of > public_until:
        return "EXPIRED"
    return "ACTIVE"


def in_force(day: date, start_on: date | None, end_on: date | None) -> bool:
    """A dated role or holding on a day: from its first day (unknown = since ever) to its last (none = still)."""
    return (start_on is None or start_on <= day) and (end_on is None or end_on >= day)


def entry_active(as_of: date, listed_on: date, valid_until: date | None, removed_on: date | None) -> bool:
    """Active from listed_on until removed_on or valid_until, whichever comes first (removal day excluded)."""
    if listed_on > as_of:
        return False
    if removed_on is not None and removed_on <= as_of:
        return False
    return valid_until is None or as_of <= valid_until


def push_status(as_of: date, withdrawn_on: date | None, acted_on: date | None) -> str:
    """A push's latest state on a day (workflow.md section 2): WITHDRAWN from its withdrawal on, whether answered
    or not; else ANSWERED from the day the unit acted (`acted_on`, set when it answered); else PENDING."""
    if withdrawn_on is not None and withdrawn_on <= as_of:
        return "WITHDRAWN"
    if acted_on is not None and acted_on <= as_of:
        return "ANSWERED"
    return "PENDING"


def push_overdue(as_of: date, due_on: date, withdrawn_on: date | None, acted_on: date | None) -> bool:
    """PENDING and the day is after `due_on`."""
    return push_status(as_of, withdrawn_on, acted_on) == "PENDING" and as_of > due_on
