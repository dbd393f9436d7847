"""`creditfile import --bulk DIR`: an exchange folder into an EMPTY local Neo4j through Neo4j's offline importer.

    result = await bulk.load(folder, data_dir, on_reject=rejects.write)

1. The database is checked to be empty (a running instance is asked; a stopped one with a store is started to be
   asked); a non-empty one is refused with `NotEmpty`, whose message says what to do.
2. The folder is validated column-wise with the rules and messages of `creditfile import` (bulk_folder) and its
   accepted rows written as the offline importer's CSV files; rejected rows go to `on_reject` and nowhere else.
3. `neo4j-admin database import full` builds the store in a staging folder (graph/local/offline.py); the instance
   is stopped if it runs, and the staged store takes the place of the old one in one rename.
4. Neo4j is started on it; the schema is applied (constraints and indexes, graph/store/schema.py), records without
   penalty types get their empty list, and the entries active on the import day are pushed (graph/loop.py), as
   after `creditfile import`.

A load killed before 3's rename leaves the database as it was; after it, the store is whole and a marker file in it
says that step 4 is still to do: the next `creditfile import --bulk` does it (whatever folder it is given) instead
of refusing the then non-empty database.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase

import queries
import settings
from graph import local, loop
from graph.ingest import bulk_folder
from graph.ingest.importer import FileReport, Reject
from graph.local import offline
from graph.store import schema as graph_schema
from graph.store.driver import Graph

MARKER = "creditfile-bulk-pending.json"  # in the instance's `data` folder while step 4 is to do
FIX_BATCH = 10_000
INDEX_WAIT_SECONDS = 3600  # filling the indexes of a large load takes minutes


class NotEmpty(Exception):
    """The database holds data: the bulk load only fills an empty one."""


@dataclass
class BulkResult:
    reports: list[FileReport]
    instance: local.Instance
    import_day: date
    pushed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # by step: check, validate, import, start, finish
    resumed: bool = False  # only step 4 of an earlier, interrupted load was done


async def load(folder: Path, data: Path, *, port: int = 7687, on_reject: Callable[[Reject], None] = lambda r: None,
               ignore: tuple[Path, ...] = (), import_day: date | None = None, threads: int | None = None,
               on_step: Callable[[str], None] = lambda s: None) -> BulkResult:
    """Load `folder` into the empty database of the local instance in `data` and leave Neo4j running on it."""
    data = data.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of exchange CSV files")
    day, clock = import_day or loop.china_today(), _Clock()
    offline.clear_leftovers(data)
    on_step("checking that the database is empty")
    running = local.status(data)
    pending = await _check_empty(data, running)
    clock.lap("check")
    if pending is not None:
        on_step("finishing the bulk load interrupted after its import (schema, pushes)")
        instance = running or local.start(port=port, data=data)
        result = BulkResult([], instance, date.fromisoformat(pending["import_day"]), resumed=True)
        result.pushed = await _finish(data, instance, pending)
        result.seconds = clock.laps | {"finish": clock.lap("finish")}
        return result
    work = data / offline.FILES
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        on_step(f"validating {folder}")
        reports, files = bulk_folder.prepare(folder, work, on_reject, ignore)
        clock.lap("validate")
        on_step("neo4j-admin database import full")
        staged = offline.import_full(data, files.nodes, files.relationships, threads=threads or os.cpu_count() or 2,
                                     multiline=files.multiline)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    marker = {"import_day": day.isoformat(), "folder": str(folder), "empty_penalty_types": files.empty_penalty_types,
              "implementers": files.implementers}
    (staged / MARKER).write_text(json.dumps(marker, ensure_ascii=False))
    if running is not None:
        port = running.port
        local.stop(data)
    offline.install(data, staged)
    clock.lap("import")
    on_step("starting Neo4j")
    instance = local.start(port=port, data=data)
    clock.lap("start")
    on_step("constraints, indexes and pushes")
    result = BulkResult(reports, instance, day)
    result.pushed = await _finish(data, instance, marker)
    clock.lap("finish")
    result.seconds = clock.laps
    return result


async def _check_empty(data: Path, running: local.Instance | None) -> dict[str, Any] | None:
    """None when the database is empty (or absent); the pending marker when an earlier load must be finished;
    NotEmpty otherwise."""
    marker = data / "data" / MARKER
    if marker.exists():
        pending: dict[str, Any] = json.loads(marker.read_text())
        return pending
    if running is None and not (data / "data" / "databases" / offline.DATABASE).exists():
        return None
    instance = running or local.start(port=local.free_port(), data=data)
    try:
        nodes = await _count_nodes(instance)
    finally:
        if running is None:
            local.stop(data)
    if nodes:
        raise NotEmpty(f"the database in {data} holds {nodes:,} nodes and the bulk load only fills an empty one: "
                       "use `creditfile import` to add to it, or stop Neo4j (creditfile neo4j stop) and delete "
                       f"{data / 'data'} to load afresh")
    return None


async def _count_nodes(instance: local.Instance) -> int:
    driver = AsyncGraphDatabase.driver(instance.uri, auth=settings.neo4j().auth, notifications_min_severity="OFF")
    try:
        records, _, _ = await driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=offline.DATABASE)
        return int(records[0]["n"])
    finally:
        await driver.close()


async def _finish(data: Path, instance: local.Instance, pending: dict[str, Any]) -> int:
    """Step 4 on the running instance; the number of pushes made. Removes the marker once done."""
    driver = AsyncGraphDatabase.driver(instance.uri, auth=settings.neo4j().auth, notifications_min_severity="OFF")
    try:
        await _apply_schema(driver)
        graph = Graph(driver, database=offline.DATABASE, bounded=False)
        ids: list[str] = pending["empty_penalty_types"]
        for start in range(0, len(ids), FIX_BATCH):
            await graph.run(queries.get("bulk_empty_penalty_types"), recordIds=ids[start:start + FIX_BATCH])
        pushed = 0
        if pending["implementers"]:  # else no measure names a unit, and no entry can be pushed
            pushed = await loop.push_imported_entries(graph, date.fromisoformat(pending["import_day"]),
                                                      settings.app().feedback_days)
    finally:
        await driver.close()
    (data / "data" / MARKER).unlink(missing_ok=True)
    return pushed


async def _apply_schema(driver: AsyncDriver) -> None:
    """The statements of graph/store/schema.cypher, as `schema.apply` runs them, but in one transaction: each
    constraint fills its index as it is made, and the other indexes are then filled together, in one pass over the
    store (made apart, or while the constraints fill theirs, they took longer on two cores)."""
    async with driver.session(database=offline.DATABASE) as session:
        async with await session.begin_transaction() as tx:
            for statement in graph_schema.statements():
                await tx.run(statement)
            await tx.commit()
        result = await session.run("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_SECONDS)
        await result.consume()


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
        return self.laps[name]
