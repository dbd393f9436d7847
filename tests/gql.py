"""Run GraphQL against the real schema and the test's graph, as the server would."""

from __future__ import annotations

from api.context import new_context
from api.schema import build_schema
from graph.driver import Graph, counting

SCHEMA = build_schema()


async def execute(graph: Graph, query: str, **variables):
    with counting() as stats:
        result = await SCHEMA.execute(query, variable_values=variables,
                                      context_value=new_context(Graph(graph.driver, causal_reads=False)))
    return result, stats


async def data(graph: Graph, query: str, **variables) -> dict:
    result, _ = await execute(graph, query, **variables)
    assert result.errors is None, result.errors
    return result.data


async def errors(graph: Graph, query: str, **variables) -> list[str]:
    result, _ = await execute(graph, query, **variables)
    assert result.errors, "expected an error"
    return [e.message for e in result.errors]
