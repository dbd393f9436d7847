"""The Starlette application: /graphql (with GraphiQL), /healthz, /readyz, /static."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from api import assets
from api.context import Context, new_context
from api.schema import build_schema
from graph import schema as graph_schema
from graph.driver import UNAVAILABLE, Graph, open_driver

log = logging.getLogger("creditfile")

DEFAULT_QUERY = """# Welcome to creditfile. Press ▶ to run.
{
  search(text: "科技", first: 5) {
    totalCount
    edges { score node { __typename name riskLevel { level reasons } } }
  }
}
"""


class CreditfileGraphQL(GraphQL):
    """Strawberry's ASGI view with our context and our offline GraphiQL page."""

    def __init__(self, graph_of: Callable[[Request], Graph], **kwargs):
        super().__init__(build_schema(), **kwargs)
        self._graph_of = graph_of

    async def get_context(self, request, response) -> Context:  # type: ignore[override]
        return new_context(self._graph_of(request))

    async def render_graphql_ide(self, request: Request) -> Response:
        page = Path(__file__).with_name("graphiql.html").read_text(encoding="utf-8")
        return HTMLResponse(page.replace("__DEFAULT_QUERY__", json.dumps(DEFAULT_QUERY)))


def create_app(apply_schema: bool = True) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = open_driver()
        app.state.graph = Graph(driver, causal_reads=False)
        if apply_schema:
            try:
                await graph_schema.apply(driver)
            except UNAVAILABLE as exc:  # serve anyway: /readyz says what is wrong until Neo4j answers
                log.warning("Neo4j is not reachable at start-up, schema not applied: %s", exc)
        try:
            yield
        finally:
            await driver.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await request.app.state.graph.ping()
        except Exception as exc:  # any failure to reach Neo4j means "not ready"; the reason goes out
            return JSONResponse(
                {"status": "unavailable", "reason": f"Neo4j does not answer: {exc}", "retryAfterSeconds": 5},
                status_code=503, headers={"Retry-After": "5"},
            )
        return JSONResponse({"status": "ready"})

    static = assets.static_dir()
    static.mkdir(parents=True, exist_ok=True)
    graphql = CreditfileGraphQL(lambda request: request.app.state.graph)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ],
        lifespan=lifespan,
    )
