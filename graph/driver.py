"""The only code that talks to the Neo4j driver: open it, run named queries with the right routing, count.

Each GraphQL request (or CLI command) runs inside a `QueryStats` scope, so the number of Cypher round trips
and the database time can be reported and asserted on.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

import settings
from queries import Mode, Query

# Neo4j being unreachable, as opposed to a bad query: callers turn this into a 503 or one clear CLI line.
UNAVAILABLE = (ServiceUnavailable, SessionExpired, OSError)


@dataclass
class QueryStats:
    round_trips: int = 0
    db_ms: float = 0.0
    wall_ms: float = 0.0
    queries: list[str] = field(default_factory=list)


_stats: contextvars.ContextVar[QueryStats | None] = contextvars.ContextVar("query_stats", default=None)


@contextmanager
def counting(reuse: bool = False) -> Iterator[QueryStats]:
    """Count the round trips made in this scope (and in tasks started from it); with `reuse`, an enclosing
    scope's counter is used when there is one (a test counting around a request)."""
    current = _stats.get()
    if reuse and current is not None:
        yield current
        return
    stats = QueryStats()
    token = _stats.set(stats)
    try:
        yield stats
    finally:
        _stats.reset(token)


def open_driver() -> AsyncDriver:
    conf = settings.neo4j()
    # Server notifications (e.g. "label does not exist" on an empty graph) are not for our users' logs.
    return AsyncGraphDatabase.driver(conf.effective_uri, auth=conf.auth, notifications_min_severity="OFF")


def _native(value: Any) -> Any:
    """Neo4j temporal values to Python ones, through maps and lists."""
    if isinstance(value, dict):
        return {key: _native(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_native(item) for item in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


class Graph:
    """Runs named queries; READ ones with READ routing, WRITE ones with WRITE routing."""

    def __init__(self, driver: AsyncDriver, database: str | None = None, causal_reads: bool = True):
        self.driver = driver
        self.database = database or settings.neo4j().database
        # Causal reads (bookmarks) make a read see this process's earlier writes on any cluster member: the
        # importer needs that. The API only reads, and skipping bookmarks saves about 1 ms per round trip.
        self.causal_reads = causal_reads

    async def run(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        started = time.perf_counter()
        if query.mode is Mode.WRITE or self.causal_reads:
            routing = RoutingControl.READ if query.mode is Mode.READ else RoutingControl.WRITE
            records, summary, _ = await self.driver.execute_query(
                query.text, params, routing_=routing, database_=self.database
            )
        else:
            records, summary = await self._read(query, params)
        stats = _stats.get()
        if stats is not None:
            stats.round_trips += 1
            stats.queries.append(query.name)
            stats.db_ms += (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
            stats.wall_ms += (time.perf_counter() - started) * 1000
        return [{key: _native(value) for key, value in record.items()} for record in records]

    async def _read(self, query: Query, params: dict) -> tuple[list, Any]:
        """An auto-commit read on a READ-routed session: one network round trip (no BEGIN/COMMIT), no bookmarks.
        A read is idempotent, so a connection lost on the way is retried once on another connection."""
        for attempt in (1, 2):
            try:
                async with self.driver.session(database=self.database, default_access_mode=READ_ACCESS,
                                               bookmark_manager=None, fetch_size=-1) as session:
                    result = await session.run(query.text, params)
                    records = [record async for record in result]
                    return records, await result.consume()
            except (ServiceUnavailable, SessionExpired):
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def ping(self) -> None:
        await self.driver.verify_connectivity()


__all__ = ["Graph", "QueryStats", "counting", "open_driver", "UNAVAILABLE", "Neo4jError"]
