"""The per-request context: the graph, fresh DataLoaders, who is asking, and what the request read (to log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as _Info

from api.auth import PUBLIC, Principal
from graph.audit import Event, Journal
from graph.store.batch import Batched
from graph.store.driver import Graph
from loaders import Loaders

if TYPE_CHECKING:
    from api.live import PushFeed


@dataclass
class Context:
    graph: Graph
    loaders: Loaders
    principal: Principal = PUBLIC
    extensions: dict[str, Any] = field(default_factory=dict)  # what extensions leave for each other (queryStats …)
    # Filled while resolving, written by api/accesslog.py before the answer leaves (one write per request):
    # (event, where in the response it was served).
    reads: list[tuple[Event, tuple[str | int, ...]]] = field(default_factory=list)
    # The log's transaction, begun early when a read can be foreseen from the arguments (graph/audit.py Journal).
    journal: Journal | None = None
    # Subscriptions: the process's push poller (api/live.py), and the graphql-transport-ws connection_init payload.
    push_feed: PushFeed | None = None
    connection_params: dict[str, Any] | None = None  # the client's JSON


def new_context(graph: Graph, principal: Principal = PUBLIC) -> Context:
    # The request's reads that start together run as one statement (graph/store/batch.py).
    batched = graph if isinstance(graph, Batched) else Batched(graph)
    return Context(graph=batched, loaders=Loaders(batched), principal=principal)


Info = _Info[Context, None]
