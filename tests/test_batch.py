"""A request's reads that start together run as one statement (graph/store/batch.py), each caller getting exactly
the rows its query gives alone."""

from __future__ import annotations

import asyncio

import pytest
from neo4j.exceptions import CypherSyntaxError

import queries
from graph.store import batch
from graph.store.batch import Batched, compose
from graph.store.driver import counting
from queries import Mode, Query


def q(name: str, text: str, mode: Mode = Mode.READ) -> Query:
    return Query(name=name, mode=mode, text=text)


NUMBERS = q("test_numbers", "UNWIND range(1, $n) AS i RETURN i AS number, i * i AS square ORDER BY i DESC")
NOTHING = q("test_nothing", "UNWIND [] AS i RETURN i AS number")
WORDS = q("test_words", "UNWIND $words AS w RETURN w AS word, size(w) AS length")


@pytest.fixture
def fresh_columns(monkeypatch):
    monkeypatch.setattr(batch, "_columns", {})


async def alone(graph, query: Query, **params):
    return await graph.run(query, **params)


async def test_reads_started_together_are_one_round_trip_with_each_callers_rows(graph, fresh_columns) -> None:
    expected = [await alone(graph, NUMBERS, n=3), await alone(graph, WORDS, words=["信用", "abc"]),
                await alone(graph, NUMBERS, n=5)]
    batch._columns.update({"test_numbers": ("number", "square"), "test_nothing": ("number",),
                           "test_words": ("word", "length")})
    batched = Batched(graph)
    with counting() as stats:
        got = await asyncio.gather(batched.run(NUMBERS, n=3), batched.run(WORDS, words=["信用", "abc"]),
                                   batched.run(NOTHING), batched.run(NUMBERS, n=5))
    assert got == [expected[0], expected[1], [], expected[2]]  # order within each query's rows is kept
    assert stats.round_trips == 1
    assert stats.queries == ["test_numbers", "test_words", "test_nothing", "test_numbers"]


async def test_a_query_is_sent_alone_until_its_columns_are_known(graph, fresh_columns) -> None:
    batched = Batched(graph)
    with counting() as stats:
        first = await asyncio.gather(batched.run(NUMBERS, n=2), batched.run(NOTHING))
    assert first == [[{"number": 2, "square": 4}, {"number": 1, "square": 1}], []]
    assert stats.round_trips == 2
    assert batch._columns == {"test_numbers": ("number", "square")}  # NOTHING returned no row to learn from


async def test_later_reads_make_their_own_batch(graph, fresh_columns) -> None:
    batch._columns.update({"test_numbers": ("number", "square")})
    batched = Batched(graph)

    async def then_again() -> list:
        await batched.run(NUMBERS, n=1)
        return await asyncio.gather(batched.run(NUMBERS, n=2), batched.run(NUMBERS, n=3))

    with counting() as stats:
        await asyncio.gather(then_again(), batched.run(NUMBERS, n=4))
    assert stats.round_trips == 2


async def test_writes_are_not_held_back_nor_batched(graph, fresh_columns) -> None:
    write = q("test_write", "CREATE (n:BatchProbe {at: 1}) RETURN n.at AS at", Mode.WRITE)
    batch._columns.update({"test_numbers": ("number", "square")})
    batched = Batched(graph)
    with counting() as stats:
        got = await asyncio.gather(batched.run(write), batched.run(NUMBERS, n=1), batched.run(write))
    assert got == [[{"at": 1}], [{"number": 1, "square": 1}], [{"at": 1}]]
    assert stats.round_trips == 3


async def test_a_failing_batch_fails_its_callers_and_a_cancelled_caller_spoils_nothing(graph, fresh_columns) -> None:
    broken = q("test_broken", "RETURN 1 +* 2 AS x")
    batch._columns.update({"test_numbers": ("number", "square"), "test_broken": ("x",)})
    batched = Batched(graph)
    results = await asyncio.gather(batched.run(NUMBERS, n=1), batched.run(broken), return_exceptions=True)
    assert all(isinstance(r, CypherSyntaxError) for r in results)
    cancelled = asyncio.ensure_future(batched.run(NUMBERS, n=7))
    kept = asyncio.ensure_future(batched.run(NUMBERS, n=1))
    await asyncio.sleep(0)
    cancelled.cancel()
    assert await kept == [{"number": 1, "square": 1}]
    assert cancelled.cancelled()


@pytest.mark.parametrize("name", sorted(n for n, query in queries.ALL.items() if query.mode is Mode.READ))
async def test_every_read_query_can_take_part_in_a_batch(driver, name: str) -> None:
    query = queries.get(name)
    _, _, keys = await driver.execute_query("EXPLAIN " + query.text)
    combined, _ = compose([(NUMBERS, {}, ("number", "square")), (query, {}, tuple(keys))])
    _, summary, keys = await driver.execute_query("EXPLAIN " + combined.text)
    assert keys == ["r0", "r1"] and summary.query_type == "r"
