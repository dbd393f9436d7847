"""The Neo4j driver: open it, run named queries with the right routing, count.

Each GraphQL request (or CLI command) runs inside a `QueryStats` scope, so the number of Cypher round trips
and the database time can be reported and asserted on. Two other modules use the driver itself, for what a
single routed query cannot do: graph/store/writes.py (a mutation's statements in one managed write transaction) and
graph/store/schema.py (the schema statements, which are not named queries).
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j import READ_ACCESS, AsyncDriver, AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import ConnectionAcquisitionTimeoutError, Neo4jError, ServiceUnavailable, SessionExpired

import settings
from graph.errors import Unavailable
from queries import Mode, Query

log = logging.getLogger("creditfile.neo4j")

# The driver's ways of saying Neo4j cannot be reached, as opposed to a bad query.
_UNREACHABLE = (ServiceUnavailable, SessionExpired, OSError)
# What callers catch to say "Neo4j is away" (a 503, one clear CLI line): the driver's errors (from code that uses
# the driver directly, like the schema) and `Unavailable`, which `Graph.run` raises in their place.
UNAVAILABLE = (*_UNREACHABLE, Unavailable)
NOT_ANSWERING = "Neo4j does not answer; try again in a few seconds."
BUSY = "Neo4j is busy; try again in a few seconds."
# Codes of a query Neo4j stopped: past its timeout, or terminated (the timeout, or a restart) while waiting for a lock.
_STOPPED = ("TransactionTimedOut", "LockClientStopped", "Transaction.Terminated")


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


def current_stats() -> QueryStats | None:
    """The counter of the scope this runs in, if any."""
    return _stats.get()


def count_round_trip(name: str) -> None:
    """Count a round trip made on the driver directly (graph/audit.py's early-begun log transaction)."""
    stats = _stats.get()
    if stats is not None:
        stats.round_trips += 1
        stats.queries.append(name)


def open_driver() -> AsyncDriver:
    conf = settings.neo4j()
    # Server notifications (e.g. "label does not exist" on an empty graph) are not for our users' logs.
    return AsyncGraphDatabase.driver(conf.effective_uri, auth=conf.auth, notifications_min_severity="OFF")


def plain_row(record: neo4j.Record) -> dict[str, Any]:
    """A record as a plain dict, Neo4j temporal values as Python ones."""
    return {key: to_python(value) for key, value in zip(record.keys(), record.values(), strict=True)}


def to_python(value: Any) -> Any:
    """Neo4j temporal values to Python ones, through maps and lists."""
    if isinstance(value, dict):
        return {key: to_python(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_python(item) for item in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


class Graph:
    """Runs named queries; READ ones with READ routing, WRITE ones with WRITE routing."""

    def __init__(self, driver: AsyncDriver, database: str | None = None, causal_reads: bool = True,
                 bounded: bool = True):
        self.driver = driver
        self.database = database or settings.neo4j().database
        # Causal reads (bookmarks) make a read see this process's earlier writes on any cluster member: the
        # importer needs that. The API only reads, and skipping bookmarks saves about 1 ms per round trip.
        self.causal_reads = causal_reads
        # Requests get the transaction timeout; the importer's large batches (bounded=False) run as long as they need.
        self.tx_timeout = settings.app().neo4j_tx_timeout_seconds if bounded else None

    async def run(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        """Rows as plain dicts; `Unavailable` (a client error: retry later) when Neo4j cannot answer in time."""
        started = time.perf_counter()
        try:
            records, summary = await self._run(query, params)
        except _UNREACHABLE as exc:
            log.warning("Neo4j does not answer (%s): %s", query.name, exc)
            raise Unavailable(NOT_ANSWERING) from exc
        except ConnectionAcquisitionTimeoutError as exc:  # every pooled connection is in use
            log.warning("No Neo4j connection free for %s: %s", query.name, exc)
            raise Unavailable(BUSY) from exc
        except Neo4jError as exc:
            if not (exc.is_retryable() or any(code in (exc.code or "") for code in _STOPPED)):
                raise  # a defect of ours (syntax, constraint): logged and masked as an internal error
            log.warning("Neo4j refused %s for now: %s %s", query.name, exc.code, exc.message)
            raise Unavailable(_refusal(exc.code or "", self.tx_timeout)) from exc
        stats = _stats.get()
        if stats is not None:
            count_round_trip(query.name)
            stats.db_ms += (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
            stats.wall_ms += (time.perf_counter() - started) * 1000
        return [plain_row(record) for record in records]

    async def _run(self, query: Query, params: dict[str, Any]) -> tuple[list[neo4j.Record], neo4j.ResultSummary]:
        # Neo4j stops the query after `tx_timeout`, whether or not this process is still waiting for it.
        text = neo4j.Query(query.text, timeout=self.tx_timeout)
        if query.mode is Mode.WRITE or self.causal_reads:
            routing = RoutingControl.READ if query.mode is Mode.READ else RoutingControl.WRITE
            records, summary, _ = await self.driver.execute_query(text, params, routing_=routing,
                                                                  database_=self.database)
            return records, summary
        try:
            return await self._read(text, params)
        except (ServiceUnavailable, SessionExpired):
            # The driver retries managed transactions, not auto-commit queries. A read is idempotent, and a pooled
            # connection that died (Neo4j restarted) fails once and is dropped: try once more on a new one.
            return await self._read(text, params)

    async def _read(self, query: neo4j.Query,
                    params: dict[str, Any]) -> tuple[list[neo4j.Record], neo4j.ResultSummary]:
        """An auto-commit read on a READ-routed session: one network round trip (no BEGIN/COMMIT), no bookmarks."""
        async with self.driver.session(database=self.database, default_access_mode=READ_ACCESS,
                                       bookmark_manager=None, fetch_size=-1) as session:
            result = await session.run(query, params)
            records = [record async for record in result]
            return records, await result.consume()

    async def ping(self) -> None:
        await self.driver.verify_connectivity()


def _refusal(code: str, timeout: float | None) -> str:
    limit = f"{timeout:g} s" if timeout is not None else "the time Neo4j allows"  # unbounded: the server's limit
    if "TransactionTimedOut" in code:
        return (f"The query took longer than {limit} and was stopped; ask for less (a smaller depth or page) "
                "or try again later.")
    if any(stopped in code for stopped in _STOPPED):
        return (f"Neo4j stopped the query before it finished (past {limit}, or restarting); try again later "
                "or ask for less.")
    return BUSY

