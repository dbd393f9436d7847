"""Per-request DataLoaders: one Cypher query per batch, results in key order, None for a missing key.

Loaders whose query also depends on something besides the key (the file's date, a page request) take
`(group, key)` pairs; a batch runs one query per distinct group (usually exactly one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graph import access, loop, repair
from graph.access import RecordQuery, SubjectKey
from graph.driver import Graph

G = TypeVar("G", bound=Hashable)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def grouped(fetch: Callable[[Any, list], Awaitable[Sequence[V]]]) -> Callable[[list], Awaitable[list[V]]]:
    """A batch function over (group, key) pairs: one `fetch(group, keys)` per distinct group, run concurrently."""

    async def batch(pairs: list[tuple[Any, Any]]) -> list[V]:
        by_group: dict[Any, list] = {}
        for group, key in pairs:
            by_group.setdefault(group, [])
            if key not in by_group[group]:
                by_group[group].append(key)
        groups = list(by_group)
        results = await asyncio.gather(*(fetch(group, by_group[group]) for group in groups))
        found = {(group, key): value for group, values in zip(groups, results)
                 for key, value in zip(by_group[group], values)}
        return [found[pair] for pair in pairs]

    return batch


class Loaders:
    """Created for each request, so nothing is cached across requests."""

    def __init__(self, graph: Graph):
        g = graph
        self.organisation = DataLoader(lambda keys: access.organisations(g, list(keys)))
        self.person = DataLoader(lambda keys: access.persons_by_pid(g, list(keys)))
        self.person_by_id_number = DataLoader(lambda keys: access.persons_by_id_number(g, list(keys)))
        self.roles: DataLoader[tuple[str, str], list] = DataLoader(grouped(lambda kind, keys: access.roles(g, kind, keys)))
        self.holdings = DataLoader(lambda keys: access.holdings(g, list(keys)))
        self.records: DataLoader[tuple[RecordQuery, SubjectKey], access.Page] = DataLoader(
            grouped(lambda query, keys: access.records_pages(g, query, keys)))
        self.accountable: DataLoader[tuple[RecordQuery, str], access.Page] = DataLoader(
            grouped(lambda query, pids: access.accountable_pages(g, query, pids)))
        self.record: DataLoader[tuple[date, str], tuple | None] = DataLoader(
            grouped(lambda as_of, ids: access.records_by_id(g, as_of, ids)))
        self.record_people = DataLoader(lambda keys: access.record_people(g, list(keys)))
        self.entries = DataLoader(lambda keys: access.list_entries(g, list(keys)))
        self.entry = DataLoader(lambda keys: access.entries_by_id(g, list(keys)))
        self.measures = DataLoader(lambda keys: _same_for_all(access.measures(g), len(keys)))
        self.risk: DataLoader[tuple[date, SubjectKey], dict] = DataLoader(
            grouped(lambda as_of, keys: access.risk_inputs(g, as_of, keys)))
        self.leader_flags: DataLoader[tuple[date, str], list] = DataLoader(
            grouped(lambda as_of, usccs: access.leader_flags(g, as_of, usccs)))
        # Pushes (api/types/push.py): by pushId, and every push of a list entry.
        self.push = DataLoader(lambda ids: loop.pushes_by_id(g, list(ids)))
        self.pushes_of_entry = DataLoader(lambda ids: loop.pushes_of_entries(g, list(ids)))
        # Repair applications and objections (api/types/repair.py): by record, by (RECORD|ENTRY, target id), by id.
        self.repair_applications = DataLoader(lambda ids: repair.applications_of_records(g, list(ids)))
        self.objections: DataLoader[tuple[str, str], list] = DataLoader(
            grouped(lambda kind, ids: repair.objections_of_targets(g, kind, ids)))
        self.repair_application = DataLoader(lambda ids: repair.applications_by_id(g, list(ids)))
        self.objection = DataLoader(lambda ids: repair.objections_by_id(g, list(ids)))


async def _same_for_all(result: Awaitable[V], count: int) -> list[V]:
    value = await result
    return [value] * count
