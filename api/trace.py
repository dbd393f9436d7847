"""Exploration for investigators: liabilityTrace, neighbourhood, shortestPaths (graph/explore.py does the work)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api import views
from api.arguments import valid_uscc
from api.context import Info
from api.cursors import parse_node_id
from api.dates import shown, today
from api.types.credit_file import Accountability, CreditRecord
from api.types.enums import AccountabilityBasis, Relation
from api.types.graph import KINDS, GraphEdge, GraphNode, LiabilityTrace, Path, RelatedOrganisation, SubgraphType
from api.types.subject import Organisation, Person
from graph import explore
from graph.access import OrganisationRow
from graph.errors import UserError
from graph.explore import NodeRef

BASIS = {"LEGAL_REPRESENTATIVE": AccountabilityBasis.LEGAL_REPRESENTATIVE_AT_THE_TIME,
         "PRINCIPAL": AccountabilityBasis.PRINCIPAL_AT_THE_TIME,
         "NAMED_RESPONSIBLE": AccountabilityBasis.NAMED_RESPONSIBLE}


def _bounded(name: str, value: int | None, low: int, high: int, default: int) -> int:
    """An integer argument within its bounds; null means the default."""
    if value is None:
        return default
    if not low <= value <= high:
        raise UserError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _ref(id: str) -> NodeRef:
    type_name, key = parse_node_id(id)
    if type_name not in KINDS:
        raise UserError(f"id: {shown(id)} is not an id given out by this API")
    return NodeRef(KINDS[type_name], key)


def _archive(info: Info) -> bool:
    """Whether the caller sees repaired and revoked records in graphs (the archive view, api/views.py)."""
    return views.view_name(info.context.principal, None) == "archive"


def _types(relations: list[Relation] | None) -> tuple[str, ...]:
    # Once each: a list of 100,000 repeats is one relation.
    return tuple(dict.fromkeys(r.value for r in relations)) if relations else explore.ALL_TYPES


async def _label(info: Info, ref: NodeRef, as_of: date) -> str | None:
    """The start node's label, or None when it does not exist (on the date)."""
    loaders = info.context.loaders
    if ref.kind == "ORGANISATION":
        row = await loaders.organisation.load(ref.key)
        return row.name if row else None
    if ref.kind == "PERSON":
        row = await loaders.person.load(ref.key)
        return row.name if row else None
    if ref.kind == "RECORD":
        record = await loaders.record_by_id.load((as_of, ref.key))
        if record is None or not views.record_view(info.context.principal, record.subject.key).shows(
                record.record.status, record.record.authority_uscc):
            return None
        return explore.node_label("RECORD", record.record.category, ref.key)
    entry = await loaders.entry_by_id.load(ref.key)
    if entry is None or entry.entry.listed_on > as_of:
        return None
    return explore.node_label("LIST_ENTRY", entry.entry.list_type, ref.key)


@strawberry.type
class ExploreQuery:
    @strawberry.field(description="Measure 八: who answers for the organisation on the date, and every organisation "
                                  "they lead or own, up to `depth` organisation hops (1–4). Nearest first, at most "
                                  "500 nodes and 100 links a node; `graph.truncated` says when it was cut.")
    async def liability_trace(self, info: Info, uscc: str, depth: int | None = 2,
                              as_of: date | None = None) -> LiabilityTrace:
        code, depth, day = valid_uscc(uscc), _bounded("depth", depth, 1, 4, 2), as_of or today()
        org, accountable, sub = await explore.liability_trace(info.context.graph, code, depth, day,
                                                              archive=_archive(info))
        if org is None:
            raise UserError(f"uscc: no organisation {code} in the credit file")
        organisation = Organisation.from_row(org, day)
        records = sorted({a.record_id for a in accountable if a.record_id})
        loaded = await info.context.loaders.record_by_id.load_many([(day, rid) for rid in records])  # one query
        found = {rid: hit for rid, hit in zip(records, loaded, strict=True) if hit is not None}
        answers = []
        for a in accountable:
            if a.record_id is None or a.record_id not in found:
                continue  # an entry resting on no record: its leaders still appear in the graph
            record = CreditRecord.from_row(found[a.record_id].record, day)
            answers.append(Accountability(person=Person.from_row(a.person, day), record=record,
                                          organisation=organisation, basis=BASIS[a.basis]))
        related = [
            RelatedOrganisation(
                organisation=Organisation.from_row(OrganisationRow(uscc=n.ref.key, name=n.label), day),
                distance=n.distance, via=[GraphEdge.of(e) for e in sub.via(n.ref)], ref=n.ref, as_of=day)
            for n in sorted(sub.nodes.values(), key=lambda n: (n.distance, n.ref.key))
            if n.ref.kind == "ORGANISATION" and n.ref.key != code
        ]
        return LiabilityTrace(organisation=organisation, accountable=answers, related_organisations=related,
                              graph=SubgraphType.of(sub, day))

    @strawberry.field(description="The subgraph within `depth` hops over the given relations (all when none), links "
                                  "in force on the date; at most `limit` nodes, nearest first.")
    async def neighbourhood(self, info: Info, id: strawberry.ID, depth: int | None = 1,
                            relations: list[Relation] | None = None, as_of: date | None = None,
                            limit: int | None = 200) -> SubgraphType:
        ref, day = _ref(id), as_of or today()
        depth = _bounded("depth", depth, 1, 4, 1)
        limit = _bounded("limit", limit, 1, 2000, 200)
        label = await _label(info, ref, day)
        if label is None:
            raise UserError(f"id: nothing with id {shown(id)} on {day}")
        sub = await explore.neighbourhood(info.context.graph, ref, label, depth, _types(relations), day, limit,
                                          archive=_archive(info))
        return SubgraphType.of(sub, day)

    @strawberry.field(description="All shortest paths (at most 20) over links in force on the date; [] when none is "
                                  "within maxHops. Nodes with more than 100 links are followed that far.")
    async def shortest_paths(self, info: Info, from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
                             to: strawberry.ID, max_hops: int | None = 6,
                             relations: list[Relation] | None = None, as_of: date | None = None) -> list[Path]:
        source, target, day = _ref(from_), _ref(to), as_of or today()
        max_hops = _bounded("maxHops", max_hops, 1, 10, 6)
        if source == target:
            raise UserError("from and to are the same node; a path needs two")
        labels: dict[NodeRef, str] = {}
        for name, ref in (("from", source), ("to", target)):
            label = await _label(info, ref, day)
            if label is None:
                raise UserError(f"{name}: nothing with this id on {day}")
            labels[ref] = label
        paths = await explore.shortest_paths(info.context.graph, source, target, labels, max_hops, _types(relations),
                                             day, archive=_archive(info))
        return [Path(length=len(edges), nodes=[GraphNode.of(n, day) for n in nodes],
                     edges=[GraphEdge.of(e) for e in edges]) for nodes, edges in paths]
