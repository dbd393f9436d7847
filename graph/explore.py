"""Graph exploration for investigators: breadth-first, one `graph_hop` query per level over the whole frontier.

Bounded everywhere: a node with more links than `per_node` is followed that far and the result says it was cut;
a subgraph stops at `limit` nodes, nearest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

import queries
from graph.access import OrganisationRow, PersonRow, build
from graph.store.driver import Graph

ROLE_TYPES = ("LEGAL_REPRESENTATIVE", "PRINCIPAL", "EXECUTIVE")
LINK_TYPES = (*ROLE_TYPES, "SHAREHOLDER")
ALL_TYPES = (*LINK_TYPES, "RECORD", "RESPONSIBLE", "LIST_ENTRY")
ROLE_LABELS = {"LEGAL_REPRESENTATIVE": "法定代表人", "PRINCIPAL": "主要负责人", "EXECUTIVE": "董监高",
               "RECORD": "失信信息", "RESPONSIBLE": "负有责任", "LIST_ENTRY": "列入名单"}
KEY_PARAM = {"ORGANISATION": "usccs", "PERSON": "pids", "RECORD": "recordIds", "LIST_ENTRY": "entryIds"}


@dataclass(frozen=True)
class NodeRef:
    kind: str  # ORGANISATION, PERSON, RECORD, LIST_ENTRY
    key: str  # USCC, pid, recordId, entryId


@dataclass
class GNode:
    ref: NodeRef
    label: str
    distance: int


@dataclass(frozen=True)
class GEdge:
    relation: str
    source: NodeRef
    target: NodeRef
    start_on: date | None = None
    end_on: date | None = None
    percent: float | None = None
    title: str | None = None
    start_key: str | None = None

    @property
    def id(self) -> str:
        return f"{self.relation}|{self.source.kind}:{self.source.key}|{self.target.kind}:{self.target.key}|" \
               f"{self.start_key or ''}"

    @property
    def label(self) -> str:
        if self.relation == "SHAREHOLDER":
            return f"持股 {self.percent:g}%" if self.percent is not None else "股东"
        if self.relation == "EXECUTIVE" and self.title:
            return f"董监高（{self.title}）"
        return ROLE_LABELS.get(self.relation, self.relation)


@dataclass
class Subgraph:
    nodes: dict[NodeRef, GNode] = field(default_factory=dict)
    edges: dict[str, GEdge] = field(default_factory=dict)
    parent: dict[NodeRef, list[GEdge]] = field(default_factory=dict)  # the edge chain from the origin
    truncated: bool = False

    def add_node(self, ref: NodeRef, label: str, distance: int, via: list[GEdge]) -> None:
        self.nodes[ref] = GNode(ref, label, distance)
        self.parent[ref] = via

    def add_edge(self, edge: GEdge) -> None:
        self.edges.setdefault(edge.id, edge)

    def via(self, ref: NodeRef) -> list[GEdge]:
        """The chain of edges from the origin to the node, in order."""
        return self.parent.get(ref, [])


def node_label(kind: str, label: str | None, key: str) -> str:
    if kind == "RECORD":
        return f"{label or '失信信息'} {key}"
    if kind == "LIST_ENTRY":
        return f"{label or '名单'} {key}"
    return label or key


# One link found by a hop: (the frontier node, its neighbour, the neighbour's label, the link).
Hop: TypeAlias = tuple[NodeRef, NodeRef, str, GEdge]


async def hop(graph: Graph, frontier: list[NodeRef], types: tuple[str, ...], as_of: date,
              per_node: int, archive: bool = True) -> tuple[list[Hop], set[NodeRef]]:
    """Neighbours of a whole frontier: (from, to, to's label, edge) rows, and the nodes that were cut."""
    params: dict[str, list[str]] = {name: [] for name in KEY_PARAM.values()}
    for ref in frontier:
        params[KEY_PARAM[ref.kind]].append(ref.key)
    rows = (await graph.run(queries.get("graph_hop"), types=list(types), asOf=as_of, perNode=per_node,
                            archive=archive, **params))[0]["rows"]
    seen: dict[NodeRef, int] = {}
    out, cut = [], set()
    for row in rows:
        n, m = NodeRef(row["nKind"], row["nKey"]), NodeRef(row["mKind"], row["mKey"])
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > per_node:
            cut.add(n)
            continue
        source, target = (n, m) if row["outgoing"] else (m, n)
        edge = GEdge(row["relation"], source, target, row["startOn"], row["endOn"], row["percent"], row["title"],
                     row["startKey"])
        out.append((n, m, node_label(row["mKind"], row["mLabel"], row["mKey"]), edge))
    return out, cut


async def expand(graph: Graph, sub: Subgraph, frontier: list[NodeRef], types: tuple[str, ...], as_of: date,
                 max_distance: int, limit: int, per_node: int,
                 keep_last: Callable[[NodeRef], bool] = lambda ref: True, archive: bool = True) -> None:
    """Breadth-first from `frontier` (already in `sub`) up to `max_distance`, at most `limit` nodes in all."""
    while frontier:
        distance = sub.nodes[frontier[0]].distance + 1
        if distance > max_distance:
            return
        if len(sub.nodes) >= limit:  # full: what lies beyond is cut (not looked at, so there may be nothing)
            sub.truncated = True
            return
        rows, cut = await hop(graph, frontier, types, as_of, per_node, archive)
        sub.truncated |= bool(cut)
        fresh: dict[NodeRef, tuple[str, list[GEdge]]] = {}
        for n, m, label, edge in rows:
            if m not in sub.nodes and m not in fresh:
                if distance == max_distance and not keep_last(m):
                    continue
                fresh[m] = (label, [*sub.parent.get(n, []), edge])
            if m in sub.nodes or m in fresh:
                sub.add_edge(edge)
        room = limit - len(sub.nodes)
        chosen = sorted(fresh, key=lambda r: (r.kind, r.key))
        if len(chosen) > room:
            sub.truncated = True
            chosen = chosen[:max(room, 0)]
            dropped = set(fresh) - set(chosen)
            sub.edges = {k: e for k, e in sub.edges.items() if e.source not in dropped and e.target not in dropped}
        for ref in chosen:
            label, via = fresh[ref]
            sub.add_node(ref, label, distance, via)
        frontier = chosen


@dataclass(frozen=True)
class Accountable:
    person: PersonRow
    basis: str  # LEGAL_REPRESENTATIVE, PRINCIPAL, NAMED_RESPONSIBLE
    record_id: str | None
    entry_id: str | None


async def liability_trace(graph: Graph, uscc: str, depth: int, as_of: date, limit: int = 500, per_node: int = 100,
                          archive: bool = True) -> tuple[OrganisationRow | None, list[Accountable], Subgraph]:
    """Measure 八 reach: the organisation, who answers for it on the date, and the subgraph they lead to."""
    rows = await graph.run(queries.get("trace_accountable"), uscc=uscc, asOf=as_of)
    sub = Subgraph()
    origin = NodeRef("ORGANISATION", uscc)
    accountable: list[Accountable] = []
    persons: list[NodeRef] = []
    for row in rows:
        if row["person"] is None:
            continue
        person_row = build(PersonRow, row["person"])
        person = NodeRef("PERSON", person_row.pid)
        accountable.append(Accountable(person_row, row["basis"], row["recordId"], row["entryId"]))
        if row["basis"] == "NAMED_RESPONSIBLE":
            record = NodeRef("RECORD", row["recordId"])
            chain = [GEdge("RECORD", origin, record), GEdge("RESPONSIBLE", person, record)]
            sub.nodes.setdefault(record, GNode(record, node_label("RECORD", None, row["recordId"]), 1))
        else:
            chain = [GEdge(row["basis"], person, origin, row["startOn"], row["endOn"], start_key=row["startKey"])]
        for edge in chain:
            sub.add_edge(edge)
        if person not in sub.nodes:
            sub.add_node(person, person_row.name, 1, chain)
            persons.append(person)
    props = rows[0]["org"] if rows else None
    if props is None:
        found = (await graph.run(queries.get("organisation_by_uscc"), usccs=[uscc]))[0]["orgs"]
        props = found[0] if found else None
    if props is None:
        return None, [], sub
    org = build(OrganisationRow, props)
    sub.add_node(origin, org.name, 0, [])
    # Persons at the last level would lead nowhere: the trace ends on organisations.
    await expand(graph, sub, sorted(persons, key=lambda r: r.key), LINK_TYPES, as_of, 2 * depth, limit, per_node,
                 keep_last=lambda ref: ref.kind == "ORGANISATION", archive=archive)
    return org, accountable, sub


async def neighbourhood(graph: Graph, start: NodeRef, label: str, depth: int, types: tuple[str, ...], as_of: date,
                        limit: int, per_node: int = 100, archive: bool = True) -> Subgraph:
    sub = Subgraph()
    sub.add_node(start, label, 0, [])
    await expand(graph, sub, [start], types, as_of, depth, limit, per_node, archive=archive)
    return sub


async def shortest_paths(graph: Graph, source: NodeRef, target: NodeRef, labels: dict[NodeRef, str], max_hops: int,
                         types: tuple[str, ...], as_of: date, cap: int = 20,
                         per_node: int = 100, archive: bool = True) -> list[tuple[list[GNode], list[GEdge]]]:
    """All shortest paths (at most `cap`) by a breadth-first search from both ends, one hop query per level.

    Each side keeps, for every node it reached, all its parents on the level before, so that every shortest
    path through the nodes where the two searches meet can be spelt out.
    """
    sides = [_Side(source), _Side(target)]
    labels = dict(labels)  # the two ends' labels; the search adds the others
    while sides[0].depth + sides[1].depth < max_hops:
        side = min(sides, key=lambda s: len(s.frontier))  # expand the smaller frontier
        if not side.frontier:
            return []
        rows, _cut = await hop(graph, side.frontier, types, as_of, per_node, archive)
        side.advance(rows, labels)
        other = sides[1] if side is sides[0] else sides[0]
        meeting = [ref for ref in side.frontier if ref in other.parents]
        if meeting:
            return _spell_out(sides[0], sides[1], meeting, labels, cap)
    return []


class _Side:
    def __init__(self, start: NodeRef):
        self.parents: dict[NodeRef, list[tuple[NodeRef, GEdge]]] = {start: []}
        self.distance: dict[NodeRef, int] = {start: 0}
        self.frontier: list[NodeRef] = [start]
        self.depth = 0

    def advance(self, rows: list[Hop], labels: dict[NodeRef, str]) -> None:
        self.depth += 1
        fresh: dict[NodeRef, list[tuple[NodeRef, GEdge]]] = {}
        for n, m, label, edge in rows:
            labels.setdefault(m, label)
            if m in self.distance:
                continue
            fresh.setdefault(m, []).append((n, edge))
        for ref, parents in fresh.items():
            self.parents[ref] = parents
            self.distance[ref] = self.depth
        self.frontier = sorted(fresh, key=lambda r: (r.kind, r.key))


def _chains(side: _Side, ref: NodeRef, limit: int) -> list[list[tuple[NodeRef, GEdge]]]:
    """Every chain of (node, edge) steps from the side's start to `ref`, start first (at most `limit`)."""
    if not side.parents[ref]:
        return [[]]
    chains = []
    for parent, edge in side.parents[ref]:
        for chain in _chains(side, parent, limit):
            chains.append([*chain, (parent, edge)])
            if len(chains) >= limit:
                return chains
    return chains


def _spell_out(a: _Side, b: _Side, meeting: list[NodeRef], labels: dict[NodeRef, str],
               cap: int) -> list[tuple[list[GNode], list[GEdge]]]:
    best = min(a.distance[m] + b.distance[m] for m in meeting)
    paths = []
    for m in sorted(meeting, key=lambda r: (r.kind, r.key)):
        if a.distance[m] + b.distance[m] != best:
            continue
        for left in _chains(a, m, cap):
            for right in _chains(b, m, cap):
                refs = [step[0] for step in left] + [m] + [step[0] for step in reversed(right)]
                edges = [step[1] for step in left] + [step[1] for step in reversed(right)]
                nodes = [GNode(ref, labels.get(ref, ref.key), i) for i, ref in enumerate(refs)]
                paths.append((nodes, edges))
                if len(paths) >= cap:
                    return paths
    return paths
