"""The joint-punishment loop in the graph (workflow.md sections 1 and 2): pushes as rows, the reads the API
makes of them (one query per batch of keys), the inbox page, the poll of changes behind subscriptions, and the
pushes made at import. The mutations' writes run on their transaction in api/loop.py (graph/store/writes.py).

    (e:ListEntry)-[:PUSH]->(p:Push {pushId, entryId, measureCode, unitName, unitUscc, subjectKind, subjectId,
                                    pushedOn, dueOn, withdrawnOn, answeredAt, outcome, actedOn, note,
                                    caseReference, answeredByName, answeredByUscc, changedAt})

`changedAt` is Neo4j's `datetime()` at every change (made, answered, withdrawn): the poll reads it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import queries
from graph import rules
from graph.access import build
from graph.store.driver import Graph

# Entries read per statement when pushing after an import (one transaction each).
IMPORT_PUSH_BATCH = 10_000


def china_today() -> date:
    """Today in China (rules.CHINA), whatever the server's time zone: the API's is api/dates.py `today`, which
    graph/ cannot import (it comes with the strawberry scalar)."""
    return datetime.now(rules.CHINA).date()


def new_id(prefix: str) -> str:
    """A server-made id that sorts by creation time, as the pushes' ids made in Cypher: prefix, milliseconds
    since 1970 (13 digits) and 48 random bits in hex."""
    return f"{prefix}-{time.time_ns() // 1_000_000:013d}-{os.urandom(6).hex().upper()}"


@dataclass(frozen=True)
class PushRow:  # fields named as the node's properties, as every row (graph/access.py says why)
    push_id: str
    entry_id: str
    measure_code: str
    unit_uscc: str
    pushed_on: date
    due_on: date
    unit_name: str | None = None
    subject_kind: str = "ORGANISATION"
    subject_id: str = ""
    withdrawn_on: date | None = None
    answered_at: datetime | None = None
    outcome: str | None = None
    acted_on: date | None = None
    note: str | None = None
    case_reference: str | None = None
    answered_by_name: str | None = None
    answered_by_uscc: str | None = None
    changed_at: datetime | None = None

    def status(self, as_of: date) -> str:
        return rules.push_status(as_of, self.withdrawn_on, self.acted_on if self.answered_at else None)

    def overdue(self, as_of: date) -> bool:
        return rules.push_overdue(as_of, self.due_on, self.withdrawn_on, self.acted_on if self.answered_at else None)

    def answered_by(self, as_of: date) -> bool:
        """Whether the answer shows on a day: given, and the day the unit acted has come."""
        return self.answered_at is not None and self.acted_on is not None and self.acted_on <= as_of


def push_row(props: Mapping[str, Any]) -> PushRow:
    return build(PushRow, props)


def due_on(pushed_on: date, days: int) -> date:
    return pushed_on + timedelta(days=days)


@dataclass(frozen=True)
class InboxQuery:
    unit_uscc: str
    as_of: date
    statuses: tuple[str, ...] | None = None
    overdue_only: bool = False
    first: int = 20
    after: tuple[date, str] | None = None


async def inbox(graph: Graph, query: InboxQuery) -> tuple[int, list[PushRow]]:
    """(total, the page and one more when there is a next page)."""
    after_date, after_id = query.after or (None, None)
    rows = await graph.run(queries.get("inbox_page"), unitUscc=query.unit_uscc, asOf=query.as_of,
                           statuses=list(query.statuses) if query.statuses else None, overdueOnly=query.overdue_only,
                           afterDate=after_date, afterId=after_id, limit=query.first + 1)
    return rows[0]["total"], [push_row(p) for p in rows[0]["page"]]


async def pushes_by_id(graph: Graph, push_ids: list[str]) -> list[PushRow | None]:
    rows = (await graph.run(queries.get("pushes_by_id"), pushIds=push_ids))[0]["pushes"]
    found = {p["pushId"]: push_row(p) for p in rows}
    return [found.get(pid) for pid in push_ids]


async def pushes_of_entries(graph: Graph, entry_ids: list[str]) -> list[list[PushRow]]:
    rows = (await graph.run(queries.get("pushes_of_entries"), entryIds=entry_ids))[0]["pushes"]
    grouped: dict[str, list[PushRow]] = {eid: [] for eid in entry_ids}
    for props in rows:
        grouped[props["entryId"]].append(push_row(props))
    return [grouped[eid] for eid in entry_ids]


async def clock(graph: Graph) -> datetime:
    now: datetime = (await graph.run(queries.get("database_clock")))[0]["now"]
    return now


@dataclass(frozen=True)
class Changes:
    now: datetime  # the database's clock at the poll
    fresh: list[PushRow]  # changed after the cursor, oldest change first
    recent: list[tuple[str, datetime]]  # (pushId, changedAt) changed in the window before the cursor


async def poll(graph: Graph, cursor: datetime, since: datetime, units: list[str]) -> Changes:
    """Pushes to `units` changed after `cursor` (in full) and in (`since`, `cursor`] (their keys only)."""
    row = (await graph.run(queries.get("pushes_changed"), cursor=cursor, since=since, units=units))[0]
    return Changes(row["now"], [push_row(p) for p in row["fresh"]], [(k[0], k[1]) for k in row["recent"]])


async def changed(graph: Graph, since: datetime, units: list[str]) -> tuple[datetime, list[PushRow]]:
    """(the database's clock, pushes to `units` changed after `since`, oldest change first)."""
    changes = await poll(graph, since, since, units)
    return changes.now, changes.fresh


async def push_imported_entries(graph: Graph, day: date, feedback_days: int,
                                batch: int = IMPORT_PUSH_BATCH) -> int:
    """Push every entry active on `day` that has no push yet (entries by batches, in entryId order); the number
    of pushes made."""
    after, made = "", 0
    while True:
        rows = await graph.run(queries.get("import_pushes"), day=day, dueOn=due_on(day, feedback_days),
                               after=after, batch=batch)
        made += int(rows[0]["made"])
        if rows[0]["last"] is None:
            return made
        after = rows[0]["last"]
