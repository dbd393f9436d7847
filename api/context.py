"""The per-request context: the graph, fresh DataLoaders, and the view the caller is allowed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from strawberry.types import Info as _Info

from graph.driver import Graph
from loaders import Loaders


class View(str, Enum):
    """Who is asking; decides which records and fields are shown (one place: `api/views.py`)."""

    PUBLIC = "PUBLIC"
    JOINT_PUNISHMENT_UNIT = "JOINT_PUNISHMENT_UNIT"
    AUTHORITY = "AUTHORITY"
    INTERNAL = "INTERNAL"


@dataclass
class Context:
    graph: Graph
    loaders: Loaders
    # Until authentication arrives every caller gets the internal full view.
    view: View = View.INTERNAL
    extensions: dict = field(default_factory=dict)


def new_context(graph: Graph) -> Context:
    return Context(graph=graph, loaders=Loaders(graph))


Info = _Info[Context, None]
