"""Run GraphQL against the real schema and the test's graph, as the server would, acting for a principal."""

from __future__ import annotations

from api.auth import Principal, Role
from api.context import new_context
from api.schema import build_schema
from graph.store.driver import Graph, counting

SCHEMA = build_schema()
# The tests of files, screening and exploration read as ADMIN (the archive view); tests/test_access.py covers roles.
ADMIN = Principal(Role.ADMIN, credential_id="test-admin", name="tests")


async def execute(graph: Graph, query: str, as_: Principal = ADMIN, **variables):
    with counting() as stats:
        result = await SCHEMA.execute(query, variable_values=variables,
                                      context_value=new_context(Graph(graph.driver, causal_reads=False), as_))
    return result, stats


async def data(graph: Graph, query: str, as_: Principal = ADMIN, **variables) -> dict:
    result, _ = await execute(graph, query, as_, **variables)
    assert result.errors is None, result.errors
    return result.data


async def errors(graph: Graph, query: str, as_: Principal = ADMIN, **variables) -> list[str]:
    result, _ = await execute(graph, query, as_, **variables)
    assert result.errors, "expected an error"
    return [e.message for e in result.errors]
