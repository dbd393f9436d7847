"""Schema extensions of ours: round-trip counting for every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

import settings
from graph.store.driver import counting


class QueryStatsExtension(SchemaExtension):
    """Counts the Cypher round trips of a request; reports them when CREDITFILE_QUERY_STATS=1."""

    def on_operation(self) -> Iterator[None]:
        with counting(reuse=True) as stats:
            self.execution_context.context.extensions["queryStats"] = stats
            yield

    def on_stream_result(self, result: object) -> Iterator[None]:
        yield
        stats = self.execution_context.context.extensions.get("queryStats")
        if stats is not None:  # a subscription lives for hours: count its results one by one, keep nothing
            stats.round_trips, stats.db_ms, stats.wall_ms = 0, 0.0, 0.0
            stats.queries.clear()

    def get_results(self) -> dict[str, Any]:
        if not settings.app().query_stats:
            return {}
        stats = self.execution_context.context.extensions.get("queryStats")
        if stats is None:
            return {}
        log_ms = self.execution_context.context.extensions.get("accessLogMs")
        return {"queryStats": {"roundTrips": stats.round_trips, "dbMs": round(stats.db_ms, 2),
                               "queries": stats.queries,
                               **({"accessLogMs": round(log_ms, 2)} if log_ms is not None else {})}}
