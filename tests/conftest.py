"""Test fixtures: one real Neo4j for the session (started here unless NEO4J_URI is set), a clean graph per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from neo4j import AsyncGraphDatabase

import settings
from graph import local
from graph.store import schema as graph_schema
from graph.store.driver import Graph

WIPE_OK = "CREDITFILE_TEST_ALLOW_WIPE"
# The production deadlines (30 s a request, 20 s a Neo4j transaction) are for answering users; a CI machine under
# load can take longer for a cold query, and that is not what the suite checks. The tests of the deadlines set
# their own small values.
os.environ.setdefault("CREDITFILE_REQUEST_TIMEOUT_SECONDS", "300")
os.environ.setdefault("CREDITFILE_NEO4J_TX_TIMEOUT_SECONDS", "300")


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """A Neo4j for the whole run: NEO4J_URI when given, else a local one on a free port, stopped afterwards."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    data = Path(tempfile.mkdtemp(prefix="creditfile-test-neo4j-"))
    instance = local.start(port=local.free_port(), data=data)
    os.environ["NEO4J_URI"] = instance.uri
    os.environ[WIPE_OK] = "1"  # our own throw-away instance
    settings.neo4j.cache_clear()
    try:
        yield instance.uri
    finally:
        local.stop(data)
        os.environ.pop("NEO4J_URI", None)
        settings.neo4j.cache_clear()


@pytest.fixture(scope="session")
async def driver(neo4j_uri: str):
    conf = settings.neo4j()
    drv = AsyncGraphDatabase.driver(neo4j_uri, auth=conf.auth, notifications_min_severity="OFF")
    await graph_schema.apply(drv)
    records, _, _ = await drv.execute_query("MATCH (n) RETURN count(n) AS n")
    if records[0]["n"] and not os.environ.get(WIPE_OK):
        pytest.exit(f"{neo4j_uri} holds data and tests delete everything; set {WIPE_OK}=1 to allow it", 2)
    os.environ[WIPE_OK] = "1"
    yield drv
    await drv.close()


@pytest.fixture
async def graph(driver) -> AsyncIterator[Graph]:
    """The test's graph; whatever the test wrote is deleted afterwards, so no test sees another's data."""
    await wipe(driver)
    yield Graph(driver, bounded=False)  # like the importer's: tests load large generated sets through it
    await wipe(driver)


async def wipe(driver) -> None:
    # Auto-commit with batches: fast for the larger generated graphs some tests load.
    async with driver.session() as session:
        result = await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")
        await result.consume()
