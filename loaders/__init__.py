"""Per-request DataLoaders: one Cypher query per batch, results in key order, None for a missing key.

Loaders whose query also depends on something besides the key (the file's date, a page request) take
`(group, key)` pairs; a batch runs one query per distinct group (usually exactly one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import TypeVar

from strawberry.dataloader import DataLoader

from graph import access, loop, repair
from graph.access import (
    AccountableRecord,
    EntryRow,
    EntryWithSubject,
    HoldingRow,
    MeasureRow,
    OrganisationRow,
    Page,
    PersonRow,
    RecordPeople,
    RecordQuery,
    RecordRow,
    RecordWithSubject,
    RoleRow,
    SubjectKey,
)
from graph.loop import PushRow
from graph.repair import ApplicationRow, ObjectionRow
from graph.risk import LeaderFlag, RiskInputs
from graph.store.driver import Graph

G = TypeVar("G", bound=Hashable)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def grouped(fetch: Callable[[Graph, G, list[K]], Awaitable[Sequence[V]]],
            graph: Graph) -> Callable[[list[tuple[G, K]]], Awaitable[list[V]]]:
    """A batch function over (group, key) pairs: one `fetch(graph, group, keys)` per distinct group, run
    concurrently."""

    async def batch(pairs: list[tuple[G, K]]) -> list[V]:
        by_group: dict[G, list[K]] = {}
        for group, key in pairs:
            by_group.setdefault(group, [])
            if key not in by_group[group]:
                by_group[group].append(key)
        groups = list(by_group)
        results = await asyncio.gather(*(fetch(graph, group, by_group[group]) for group in groups))
        found = {(group, key): value for group, values in zip(groups, results, strict=True)
                 for key, value in zip(by_group[group], values, strict=True)}
        return [found[pair] for pair in pairs]

    return batch


class Loaders:
    """Created for each request, so nothing is cached across requests. Each is named for what it loads and by
    what key."""

    def __init__(self, graph: Graph):
        g = graph
        # Subjects: organisations by USCC, persons by pid or by ID number.
        self.organisation = DataLoader[str, OrganisationRow | None](lambda usccs: access.organisations(g, usccs))
        self.person = DataLoader[str, PersonRow | None](lambda pids: access.persons_by_pid(g, pids))
        self.person_by_id_number = DataLoader[str, PersonRow | None](
            lambda numbers: access.persons_by_id_number(g, numbers))
        # Roles in an organisation (ORGANISATION, USCC) or of a person (PERSON, pid), every date; and the
        # shareholdings of an organisation (both sides) by USCC.
        self.roles = DataLoader[tuple[str, str], list[RoleRow]](grouped(access.roles, g))
        self.holdings = DataLoader[str, list[HoldingRow]](lambda usccs: access.holdings(g, usccs))
        # Records: a page of a subject's records, a page of the records a person answers for (by pid), one record
        # as of a day by recordId, and the people a record names or whose organisation it is of, by recordId.
        self.records_page = DataLoader[tuple[RecordQuery, SubjectKey], Page[RecordRow]](
            grouped(access.records_pages, g))
        self.accountable_page = DataLoader[tuple[RecordQuery, str], Page[AccountableRecord]](
            grouped(access.accountable_pages, g))
        self.record_by_id = DataLoader[tuple[date, str], RecordWithSubject | None](grouped(access.records_by_id, g))
        self.record_people = DataLoader[str, RecordPeople](lambda ids: access.record_people(g, ids))
        # List entries: every entry of a subject, and one entry by entryId.
        self.entries_of_subject = DataLoader[SubjectKey, list[EntryRow]](lambda keys: access.list_entries(g, keys))
        self.entry_by_id = DataLoader[str, EntryWithSubject | None](lambda ids: access.entries_by_id(g, ids))
        # The measure catalogue: one key for the whole of it.
        self.measures = DataLoader[str, list[MeasureRow]](lambda keys: _same_for_all(access.measures(g), len(keys)))
        # What the risk rule reads of a subject on a day, and the leaders' flags of a screened organisation.
        self.risk_inputs = DataLoader[tuple[date, SubjectKey], RiskInputs](grouped(access.risk_inputs, g))
        self.leader_flags = DataLoader[tuple[date, str], list[LeaderFlag]](grouped(access.leader_flags, g))
        # Pushes (api/types/push.py): by pushId, and every push of a list entry.
        self.push = DataLoader[str, PushRow | None](lambda ids: loop.pushes_by_id(g, ids))
        self.pushes_of_entry = DataLoader[str, list[PushRow]](lambda ids: loop.pushes_of_entries(g, ids))
        # Repair applications and objections (api/types/repair.py): by record, by (RECORD|ENTRY, target id), by id.
        self.repair_applications = DataLoader[str, list[ApplicationRow]](
            lambda ids: repair.applications_of_records(g, ids))
        self.objections = DataLoader[tuple[str, str], list[ObjectionRow]](grouped(repair.objections_of_targets, g))
        self.repair_application = DataLoader[str, ApplicationRow | None](lambda ids: repair.applications_by_id(g, ids))
        self.objection = DataLoader[str, ObjectionRow | None](lambda ids: repair.objections_by_id(g, ids))


async def _same_for_all(result: Awaitable[V], count: int) -> list[V]:
    value = await result
    return [value] * count
