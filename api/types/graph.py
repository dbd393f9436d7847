"""Graph (SubgraphType here), GraphNode, GraphEdge, Path, RelatedOrganisation, LiabilityTrace: subgraphs ready
to draw."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.cursors import node_id
from api.types.common import Risk
from api.types.credit_file import Accountability
from api.types.enums import Relation, RiskColour, SubjectKind
from api.types.subject import Organisation, Subject, subject_object
from graph.access import OrganisationRow, PersonRow
from graph.explore import GEdge, GNode, NodeRef, Subgraph
from graph.risk import RiskResult, assess

TYPE_NAMES = {"ORGANISATION": "Organisation", "PERSON": "Person", "RECORD": "CreditRecord", "LIST_ENTRY": "ListEntry"}
KINDS = {name: kind for kind, name in TYPE_NAMES.items()}


def ref_id(ref: NodeRef) -> str:
    return node_id(TYPE_NAMES[ref.kind], ref.key)


def subject_key(ref: NodeRef) -> tuple[str, str]:
    return (ref.kind, ref.key)


async def risk_of(info: Info, ref: NodeRef, as_of: date) -> RiskResult:
    inputs = await info.context.loaders.risk_inputs.load((as_of, subject_key(ref)))
    return assess(inputs, as_of)


@strawberry.type
class GraphNode:
    id: strawberry.ID
    kind: SubjectKind | None
    label: str
    ref: strawberry.Private[NodeRef]
    as_of: strawberry.Private[date]

    @classmethod
    def of(cls, node: GNode, as_of: date) -> GraphNode:
        kind = SubjectKind(node.ref.kind) if node.ref.kind in SubjectKind.__members__ else None
        return cls(id=strawberry.ID(ref_id(node.ref)), kind=kind, label=node.label, ref=node.ref, as_of=as_of)

    @strawberry.field(description="The risk colour of an organisation or person on the date; null for other nodes.")
    async def risk_level(self, info: Info) -> RiskColour | None:
        if self.kind is None:
            return None
        return RiskColour((await risk_of(info, self.ref, self.as_of)).level)

    @strawberry.field
    async def subject(self, info: Info) -> Subject | None:
        row: OrganisationRow | PersonRow | None
        if self.kind is SubjectKind.ORGANISATION:
            row = await info.context.loaders.organisation.load(self.ref.key)
        elif self.kind is SubjectKind.PERSON:
            row = await info.context.loaders.person.load(self.ref.key)
        else:
            return None
        return subject_object(row, self.as_of) if row else None


@strawberry.type
class GraphEdge:
    id: strawberry.ID
    source: strawberry.ID
    target: strawberry.ID
    relation: Relation
    from_: date | None = strawberry.field(name="from")
    to: date | None = None
    label: str | None = None

    @classmethod
    def of(cls, edge: GEdge) -> GraphEdge:
        return cls(id=strawberry.ID(edge.id), source=strawberry.ID(ref_id(edge.source)),
                   target=strawberry.ID(ref_id(edge.target)), relation=Relation(edge.relation), from_=edge.start_on,
                   to=edge.end_on, label=edge.label)


# Served as `Graph` (the contract's name); in Python the name stays free for graph.store.driver.Graph, the database.
@strawberry.type(name="Graph")
class SubgraphType:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool

    @classmethod
    def of(cls, sub: Subgraph, as_of: date) -> SubgraphType:
        nodes = sorted(sub.nodes.values(), key=lambda n: (n.distance, n.ref.kind, n.ref.key))
        return cls(nodes=[GraphNode.of(n, as_of) for n in nodes], edges=[GraphEdge.of(e) for e in sub.edges.values()],
                   truncated=sub.truncated)


@strawberry.type
class Path:
    length: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


@strawberry.type
class RelatedOrganisation:
    organisation: Organisation
    distance: int = strawberry.field(
        description="Hops from the traced organisation, counting person and organisation nodes on the way.")
    via: list[GraphEdge] = strawberry.field(
        description="The roles and holdings that link it, in order from the traced organisation.")
    ref: strawberry.Private[NodeRef]
    as_of: strawberry.Private[date]

    @strawberry.field
    async def risk_level(self, info: Info) -> Risk:
        return Risk.from_result(await risk_of(info, self.ref, self.as_of))


@strawberry.type
class LiabilityTrace:
    organisation: Organisation
    accountable: list[Accountability]
    related_organisations: list[RelatedOrganisation]
    graph: SubgraphType
