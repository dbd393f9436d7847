"""A request's reads that start together go to Neo4j as one statement.

A credit file asks for the organisation, its roles, entries, records page and risk inputs at once (the loaders
start them side by side); sent one by one they cost a round trip each, and on this platform each costs more in
the driver's Python than in Neo4j. `Batched` wraps a request's `Graph`: a READ query waits until the event loop
has gone a turn without another one joining (the other loaders of the same level have had theirs), and then all
waiting queries run as one statement, each as its own subquery:

    CALL () { CALL () { <query 0, its parameters renamed $q0_…> } RETURN collect({key: key, …}) AS r0 }
    CALL () { CALL () { <query 1> } RETURN collect({…}) AS r1 }
    RETURN r0, r1

Each caller gets exactly the rows its query would have returned alone. The subqueries import nothing, so each is
planned as it would be on its own; a query waiting alone runs as itself. WRITE queries are never held back. One
batch belongs to one request: a failure (a timeout, Neo4j away) fails only that request's waiting reads, as one
of them failing alone would.
"""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any

from graph.store.driver import Graph, current_stats
from queries import Mode, Query

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Loop turns a batch waits at most for late joiners (a loader that goes through asyncio.gather starts its query a
# turn or two after the others); a turn with no new query ends the wait sooner.
_MAX_TURNS = 4
# Query name → the columns of its rows, learnt from the first rows it returns in this process. Until then the
# query runs alone (a batch must know what to collect), so no statement is ever spent on learning them.
_columns: dict[str, tuple[str, ...]] = {}

_sending: set[asyncio.Future[None]] = set()

Waiting = tuple[Query, dict[str, Any], "asyncio.Future[list[dict[str, Any]]]"]


def _stop_if_unwanted(task: asyncio.Future[None], group: list[Waiting], future: asyncio.Future[Any]) -> None:
    if future.cancelled() and all(w[2].cancelled() for w in group):
        task.cancel()


class Batched(Graph):
    """A request's Graph: READ queries that start within the same loop turns run as one statement."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph.driver, graph.database, causal_reads=graph.causal_reads)
        self.graph, self.tx_timeout = graph, graph.tx_timeout
        self._waiting: list[Waiting] = []

    async def run(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        if query.mode is not Mode.READ:
            return await self.graph.run(query, **params)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[dict[str, Any]]] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._turn, 0, 0)  # in this context: the batch is counted in this request's stats
        self._waiting.append((query, params, future))
        return await future

    def _turn(self, turns: int, seen: int) -> None:
        """Send the waiting queries once a loop turn has added none (or after _MAX_TURNS turns)."""
        if turns < _MAX_TURNS and len(self._waiting) != seen:
            asyncio.get_running_loop().call_soon(self._turn, turns + 1, len(self._waiting))
            return
        batch, self._waiting = [w for w in self._waiting if not w[2].done()], []  # a cancelled caller needs nothing
        known = [w for w in batch if w[0].name in _columns]
        groups = [[w] for w in batch if w[0].name not in _columns]
        if known:
            groups.append(known)
        for group in groups:
            task = asyncio.ensure_future(self._send(group))
            _sending.add(task)  # kept from the garbage collector until done
            task.add_done_callback(_sending.discard)
            for _, _, future in group:  # once every caller has gone (a client that left), the query stops too
                future.add_done_callback(functools.partial(_stop_if_unwanted, task, group))

    async def _send(self, group: list[Waiting]) -> None:
        try:
            if len(group) == 1:
                query, params, _ = group[0]
                results = [await self.graph.run(query, **params)]
                if results[0]:
                    _columns.setdefault(query.name, tuple(results[0][0]))
            else:
                results = await self._together(group)
        except Exception as exc:
            for _, _, future in group:
                if not future.done():
                    future.set_exception(exc)
            return
        except BaseException:  # cancelled: so are the callers
            for _, _, future in group:
                future.cancel()
            raise
        for (_, _, future), rows in zip(group, results, strict=True):
            if not future.done():
                future.set_result(rows)

    async def _together(self, group: list[Waiting]) -> list[list[dict[str, Any]]]:
        combined, params = compose([(query, own, _columns[query.name]) for query, own, _ in group])
        row = (await self.graph.run(combined, **params))[0]
        stats = current_stats()
        names = [query.name for query, _, _ in group]
        if stats is not None and combined.name in stats.queries:  # one round trip, named by its parts
            at = stats.queries.index(combined.name)
            stats.queries[at:at + 1] = names
        return [row[f"r{i}"] for i in range(len(group))]


def compose(parts: list[tuple[Query, dict[str, Any], tuple[str, ...]]]) -> tuple[Query, dict[str, Any]]:
    """One READ statement of several (query, parameters, columns): column `r<i>` holds query i's rows."""
    texts, params = [], {}
    for i, (query, own, columns) in enumerate(parts):
        fields = ", ".join(f"`{c}`: `{c}`" for c in columns)
        text = _PARAMETER.sub(lambda m, i=i: f"$q{i}_{m.group(1)}", query.text)  # type: ignore[misc]
        texts.append(f"CALL () {{ CALL () {{\n{text}\n}} RETURN collect({{{fields}}}) AS r{i} }}")
        params.update({f"q{i}_{name}": value for name, value in own.items()})
    text = "\n".join(texts) + "\nRETURN " + ", ".join(f"r{i}" for i in range(len(parts)))
    return Query(name="+".join(query.name for query, _, _ in parts), mode=Mode.READ, text=text), params
