"""Repair applications (信用修复) and objections (异议) as the API reads them: rows, their state as of a day, and
one query per batch of keys (workflow.md sections 3 and 4; the writes are in api/repair.py).

The stored `status` is the final one, set with its date (`decidedOn`, `resolvedOn`); the status on a day D is
computed from the dates, so every answer as of a day before a decision reads as it did then.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import queries
from graph.access import build
from graph.store.driver import Graph


def new_id(prefix: str) -> str:
    """A server-made id that sorts by creation time: prefix, milliseconds since 1970 and 48 random bits, in hex."""
    return f"{prefix}-{time.time_ns() // 1_000_000:012X}-{os.urandom(6).hex().upper()}"


@dataclass(frozen=True)
class ApplicationRow:  # fields named as the node's properties, as every row (graph/access.py says why)
    application_id: str
    record_id: str
    applied_on: date
    commitment: str
    subject_kind: str = "ORGANISATION"
    subject_id: str = ""
    rectification_evidence: list[str] = field(default_factory=list)
    status: str = "PENDING"  # the final status, from decidedOn on
    decided_on: date | None = None
    reason: str | None = None
    decided_by_uscc: str | None = None
    authority_uscc: str | None = None  # the record's authority: who decides (谁认定、谁修复)

    def decided_by(self, as_of: date) -> bool:
        return self.decided_on is not None and self.decided_on <= as_of

    def status_on(self, as_of: date) -> str:
        return self.status if self.decided_by(as_of) else "PENDING"


@dataclass(frozen=True)
class ObjectionRow:
    objection_id: str
    target_kind: str  # RECORD or ENTRY
    target_id: str
    filed_on: date
    grounds: str
    subject_kind: str = "ORGANISATION"
    subject_id: str = ""
    status: str = "UNDER_REVIEW"  # the final status, from resolvedOn on
    resolved_on: date | None = None
    reason: str | None = None
    authority_uscc: str | None = None  # the target's authority: who resolves

    def resolved_by(self, as_of: date) -> bool:
        return self.resolved_on is not None and self.resolved_on <= as_of

    def status_on(self, as_of: date) -> str:
        return self.status if self.resolved_by(as_of) else "UNDER_REVIEW"

    def under_review(self, as_of: date) -> bool:
        return self.filed_on <= as_of and not self.resolved_by(as_of)


@dataclass(frozen=True)
class PageQuery:
    """A page of applications or objections (hashable): whose, which statuses, from where."""

    as_of: date
    subject_kind: str | None = None
    subject_key: str | None = None  # USCC or pid
    authority_uscc: str | None = None
    statuses: tuple[str, ...] | None = None
    first: int = 20
    after: tuple[date, str] | None = None

    def params(self) -> dict[str, Any]:
        after = self.after or (None, None)
        return {"asOf": self.as_of, "subjectKind": self.subject_kind, "subjectKey": self.subject_key,
                "authorityUscc": self.authority_uscc, "statuses": list(self.statuses) if self.statuses else None,
                "limit": self.first + 1, "afterDate": after[0], "afterId": after[1]}


async def applications_of_records(graph: Graph, record_ids: list[str]) -> list[list[ApplicationRow]]:
    rows = (await graph.run(queries.get("repair_applications_of_records"), recordIds=record_ids))[0]["rows"]
    grouped: dict[str, list[ApplicationRow]] = {rid: [] for rid in record_ids}
    for row in rows:
        grouped[row["recordId"]].append(build(ApplicationRow, row))
    return [grouped[rid] for rid in record_ids]


async def objections_of_targets(graph: Graph, target_kind: str, target_ids: list[str]) -> list[list[ObjectionRow]]:
    rows = (await graph.run(queries.get("objections_of_targets"), targetKind=target_kind,
                            targetIds=target_ids))[0]["rows"]
    grouped: dict[str, list[ObjectionRow]] = {tid: [] for tid in target_ids}
    for row in rows:
        grouped[row["targetId"]].append(build(ObjectionRow, row))
    return [grouped[tid] for tid in target_ids]


async def applications_by_id(graph: Graph, ids: list[str]) -> list[ApplicationRow | None]:
    rows = (await graph.run(queries.get("repair_applications_by_id"), applicationIds=ids))[0]["rows"]
    found = {row["applicationId"]: build(ApplicationRow, row) for row in rows}
    return [found.get(i) for i in ids]


async def objections_by_id(graph: Graph, ids: list[str]) -> list[ObjectionRow | None]:
    rows = (await graph.run(queries.get("objections_by_id"), objectionIds=ids))[0]["rows"]
    found = {row["objectionId"]: build(ObjectionRow, row) for row in rows}
    return [found.get(i) for i in ids]


async def applications_page(graph: Graph, query: PageQuery) -> tuple[int, list[ApplicationRow]]:
    row = (await graph.run(queries.get("repair_applications_page"), **query.params()))[0]
    return row["total"], [build(ApplicationRow, a) for a in row["page"]]


async def objections_page(graph: Graph, query: PageQuery) -> tuple[int, list[ObjectionRow]]:
    row = (await graph.run(queries.get("objections_page"), **query.params()))[0]
    return row["total"], [build(ObjectionRow, o) for o in row["page"]]
