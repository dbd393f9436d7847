"""The per-request context: the graph, fresh DataLoaders, who is asking, and what the request read (to log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strawberry.types import Info as _Info

from api.auth import PUBLIC, Principal
from graph.audit import Event
from graph.driver import Graph
from loaders import Loaders

if TYPE_CHECKING:
    from api.live import PushFeed


@dataclass
class Context:
    graph: Graph
    loaders: Loaders
    principal: Principal = PUBLIC
    extensions: dict = field(default_factory=dict)
    # Filled while resolving, written by api/accesslog.py before the answer leaves (one write per request).
    reads: list[tuple[Event, tuple]] = field(default_factory=list)  # (event, where in the response it was served)
    # Subscriptions: the process's push poller (api/live.py), and the graphql-transport-ws connection_init payload.
    push_feed: PushFeed | None = None
    connection_params: dict | None = None


def new_context(graph: Graph, principal: Principal = PUBLIC) -> Context:
    return Context(graph=graph, loaders=Loaders(graph), principal=principal)


Info = _Info[Context, None]
