"""Per-request DataLoaders: one Cypher query per batch, results in key order, None for a missing key."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from graph import access
from graph.access import OrganisationRow
from graph.driver import Graph


class Loaders:
    """Created for each request, so nothing is cached across requests."""

    def __init__(self, graph: Graph):
        self.organisation: DataLoader[str, OrganisationRow | None] = DataLoader(
            lambda usccs: access.organisations(graph, list(usccs))
        )
